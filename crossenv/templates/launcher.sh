#!/bin/sh
# crossenv launcher: __NAME__
exec __COMMAND__ "$@"
