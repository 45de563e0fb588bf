# Activate a crossenv environment from csh or tcsh.  Source it, do not run it:
#     source ENV_DIR/bin/activate.csh
# 'deactivate' undoes it.

alias deactivate 'test $?_crossenv_old_path = 0 || setenv PATH "$_crossenv_old_path:q"; unset _crossenv_old_path; test $?_crossenv_old_prompt = 0 || set prompt = "$_crossenv_old_prompt:q"; unset _crossenv_old_prompt; unsetenv VIRTUAL_ENV; unsetenv CROSSENV_DIR; rehash; test "\!:*" = nondestructive || unalias deactivate'

deactivate nondestructive

setenv CROSSENV_DIR __CROSSENV_DIR__
setenv VIRTUAL_ENV "${CROSSENV_DIR}/cross"

# Launchers first (python, pip -> Cross-python), then the Build side's tools
# (cython, meson, cmake run natively), then scripts installed for the Host.
set _crossenv_old_path = "${PATH}"
setenv PATH "${CROSSENV_DIR}/bin:${CROSSENV_DIR}/build/bin:${CROSSENV_DIR}/cross/bin:${PATH}"

# The prompt is marked only in interactive shells (they set $prompt).
set _crossenv_mark = $?prompt
if ($?VIRTUAL_ENV_DISABLE_PROMPT) then
    if ("$VIRTUAL_ENV_DISABLE_PROMPT:q" != "") set _crossenv_mark = 0
endif
if ($_crossenv_mark) then
    set _crossenv_old_prompt = "$prompt:q"
    set prompt = __PROMPT__"$prompt:q"
endif
unset _crossenv_mark

rehash
