# Activate a crossenv environment from fish.  Source it, do not run it:
#     source ENV_DIR/bin/activate.fish
# 'deactivate' undoes it.

function deactivate --description 'Leave the crossenv environment'
    if set -q _crossenv_old_path
        set -gx PATH $_crossenv_old_path
        set -e _crossenv_old_path
    end
    if functions -q _crossenv_old_fish_prompt
        functions -e fish_prompt
        functions -c _crossenv_old_fish_prompt fish_prompt
        functions -e _crossenv_old_fish_prompt
    end
    set -e VIRTUAL_ENV
    set -e CROSSENV_DIR
    if test "$argv[1]" != nondestructive
        functions -e deactivate _crossenv_status
    end
end

deactivate nondestructive

set -gx CROSSENV_DIR __CROSSENV_DIR__
set -gx VIRTUAL_ENV "$CROSSENV_DIR/cross"

# Launchers first (python, pip -> Cross-python), then the Build side's tools
# (cython, meson, cmake run natively), then scripts installed for the Host.
set -g _crossenv_old_path $PATH
set -gx PATH "$CROSSENV_DIR/bin" "$CROSSENV_DIR/build/bin" "$CROSSENV_DIR/cross/bin" $PATH

# Hands a status back, so that the wrapped prompt still sees the last one.
function _crossenv_status
    return $argv[1]
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"; and functions -q fish_prompt
    functions -c fish_prompt _crossenv_old_fish_prompt
    function fish_prompt --description 'The prompt, marked with the environment'
        set -l last $status
        printf '%s' __PROMPT__
        _crossenv_status $last
        _crossenv_old_fish_prompt
    end
end
