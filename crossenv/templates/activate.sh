# shellcheck shell=sh
# Activate a crossenv environment.  Source it, do not run it:
#     . ENV_DIR/bin/activate
# Works in bash, zsh, dash and other POSIX shells.  'deactivate' undoes it.

deactivate () {
    if [ -n "${_CROSSENV_OLD_PATH+set}" ]; then
        PATH=$_CROSSENV_OLD_PATH
        export PATH
        unset _CROSSENV_OLD_PATH
    fi
    if [ -n "${_CROSSENV_OLD_PS1+set}" ]; then
        PS1=$_CROSSENV_OLD_PS1
        unset _CROSSENV_OLD_PS1
    fi
    unset VIRTUAL_ENV CROSSENV_DIR
    hash -r 2>/dev/null || true
    if [ "${1:-}" != nondestructive ]; then
        unset -f deactivate
    fi
}

deactivate nondestructive

CROSSENV_DIR=__CROSSENV_DIR__
VIRTUAL_ENV="$CROSSENV_DIR/cross"
export CROSSENV_DIR VIRTUAL_ENV

# Launchers first (python, pip -> Cross-python), then the Build side's tools
# (cython, meson, cmake run natively), then scripts installed for the Host.
_CROSSENV_OLD_PATH=$PATH
PATH="$CROSSENV_DIR/bin:$CROSSENV_DIR/build/bin:$CROSSENV_DIR/cross/bin:$PATH"
export PATH

if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT:-}" ]; then
    _CROSSENV_OLD_PS1=${PS1:-}
    # Not exported: a prompt of bash's syntax would reach other shells.
    PS1=__PROMPT__"${PS1:-}"
fi

hash -r 2>/dev/null || true
