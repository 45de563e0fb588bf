#!/bin/sh
# crossenv launcher: __NAME__
program=__PROGRAM__
if [ ! -e "$program" ]; then
    echo "crossenv: cannot run $program: it is gone (the environment was moved or removed since it was made, or the Python it was made with was); make it again where it is now with python -m crossenv --clear" >&2
    exit 127
fi
exec __COMMAND__ "$@"
