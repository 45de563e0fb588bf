"""Command line: ``python -m crossenv HOST_PYTHON ENV_DIR``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, List, Mapping, Optional

from . import __version__, host, layout, target, toolchain
from .builder import Context, CrossEnvBuilder, clear_layers
from .errors import CrossenvError, UsageError, VersionMismatchError
from .layout import Settings
from .options import parse_config_var, parse_env


def main_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the options)."""
    parser = argparse.ArgumentParser(
        prog="crossenv",
        description="Create a virtual environment in which pip, python -m build and "
        "setup.py cross-compile Python packages for the machine HOST_PYTHON runs on.",
    )
    parser.add_argument(
        "host_python",
        metavar="HOST_PYTHON",
        type=Path,
        help="the Host's Python interpreter (only its files are read)",
    )
    parser.add_argument(
        "env_dir", metavar="ENV_DIR", type=Path, help="directory to create the environment in"
    )
    tools = parser.add_argument_group("toolchain")
    tools.add_argument(
        "--cc",
        help="C compiler for the Host (default: the one recorded "
        "in Host-python's sysconfigdata, found on PATH)",
    )
    tools.add_argument("--cxx", help="C++ compiler for the Host")
    tools.add_argument("--ar", help="archiver for the Host")
    tools.add_argument(
        "--cross-prefix",
        metavar="PREFIX",
        help="prefix of the cross tools, e.g. aarch64-linux-gnu- or "
        "/opt/tc/bin/arm-linux-gnueabihf-; used to name gcc, g++ and ar",
    )
    tools.add_argument(
        "--relative-toolchain",
        action="store_true",
        help="record compilers by name, to be looked up on PATH at build "
        "time (default: their absolute paths now)",
    )
    tools.add_argument(
        "--sysroot",
        type=Path,
        help="the Host's root file system to compile and link against "
        "(default: inferred when HOST_PYTHON is SYSROOT/PREFIX/bin/python3.X)",
    )
    hostopts = parser.add_argument_group("Host description")
    hostopts.add_argument(
        "--sysconfigdata-file",
        type=Path,
        metavar="FILE",
        help="read this _sysconfigdata_*.py instead of searching for it",
    )
    hostopts.add_argument(
        "--config-var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a sysconfig variable of the Host (repeatable)",
    )
    hostopts.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an environment variable whenever Cross-python runs; "
        "operators: = (set), ?= (set if unset), += (append after a "
        "space), := (append after ':') (repeatable)",
    )
    hostopts.add_argument(
        "--machine",
        help="os.uname().machine of the Host (default: from its GNU triple, e.g. aarch64, armv7l)",
    )
    hostopts.add_argument(
        "--platform-tag",
        metavar="TAG",
        help="platform of the Host as sysconfig.get_platform() says it, "
        "e.g. linux-armv7l (its tag form linux_armv7l is accepted too)",
    )
    hostopts.add_argument(
        "--manylinux",
        action="append",
        default=[],
        metavar="TAG",
        help="accept wheels with this platform tag, e.g. "
        "manylinux_2_17_aarch64; the first one also tags built wheels "
        "(repeatable)",
    )
    hostopts.add_argument(
        "--shebang",
        metavar="PATH",
        help="interpreter for scripts installed by Cross-python's pip "
        "(default: the Host's own, e.g. /usr/bin/python3.11)",
    )
    hostopts.add_argument(
        "--strict",
        action="store_true",
        help="fail a build whose C extension failed and that fell back to pure "
        "Python, or that names a Build-machine folder missing from the sysroot "
        "(default: a warning)",
    )
    layers = parser.add_argument_group("environment")
    layers.add_argument(
        "--system-site-packages",
        action="store_true",
        help="give the Build layer access to Build-python's site-packages",
    )
    layers.add_argument(
        "--clear",
        action="store_true",
        help="replace an existing crossenv environment (both layers)",
    )
    layers.add_argument("--clear-both", action="store_true", help="same as --clear")
    layers.add_argument(
        "--clear-cross", action="store_true", help="recreate only the Cross-python layer"
    )
    layers.add_argument(
        "--clear-build", action="store_true", help="recreate only the Build-python layer"
    )
    layers.add_argument(
        "--without-pip", action="store_true", help="do not install pip into the Build layer"
    )
    layers.add_argument(
        "--without-cross-pip", action="store_true", help="do not give Cross-python a pip"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("--version", action="version", version=f"crossenv {__version__}")
    return parser


def _platform(tag: Optional[str]) -> Optional[str]:
    if tag is None:
        return None
    if "-" in tag:
        return tag
    system, sep, rest = tag.partition("_")
    if not sep or not rest:
        raise UsageError(f"--platform-tag {tag!r}: expected e.g. linux-armv7l")
    return f"{system}-{rest}"


def is_glibc_host(config: Mapping[str, object]) -> bool:
    """Only GNU/Linux Hosts take manylinux wheels."""
    return str(config.get("MULTIARCH", "")).endswith(("-gnu", "-gnueabihf", "-gnueabi"))


def run(args: argparse.Namespace, log: Callable[[str], None]) -> Path:
    """Create the environment the parsed ``args`` describe."""
    if args.verbose and args.quiet:
        raise UsageError("--verbose and --quiet contradict each other; give one")
    environ = tuple(parse_env(text) for text in args.env)
    config_vars = tuple(parse_config_var(text) for text in args.config_var)
    if args.cc is not None and not args.cc.strip():
        raise UsageError("--cc: empty compiler name")
    found = host.discover(
        args.host_python, sysconfigdata_file=args.sysconfigdata_file, sysroot=args.sysroot
    )
    build_version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if found.version != build_version:
        raise VersionMismatchError(
            f"Host-python is {found.version} but Build-python ({sys.executable}) is "
            f"{build_version}; run crossenv with a Python {found.version}"
        )
    config = dict(found.config)
    config.update({name: value for name, value in config_vars})
    chosen = toolchain.choose(
        config,
        cc=args.cc,
        cxx=args.cxx,
        ar=args.ar,
        cross_prefix=args.cross_prefix,
        relative=args.relative_toolchain,
    )
    described = target.describe(
        config,
        machine=args.machine,
        platform=_platform(args.platform_tag),
        manylinux=tuple(args.manylinux),
        glibc=host.glibc_version(found.sysroot) if is_glibc_host(config) else None,
        kernel_release=host.kernel_release(found.sysroot),
    )
    if args.shebang is not None and not args.shebang.startswith("/"):
        raise UsageError(f"--shebang {args.shebang!r}: expected an absolute path")
    settings = Settings(
        shebang=args.shebang or "",
        strict=args.strict,
        config_vars=config_vars,
        environ=environ,
        without_cross_pip=args.without_cross_pip,
    )
    env_dir = Path(os.path.abspath(args.env_dir))
    log(f"Host: {described.platform} ({chosen.target}), Host-python {found.executable}")
    if found.sysroot is not None:
        log(f"sysroot: {found.sysroot}")
    log(f"compilers: {chosen.cc} / {chosen.cxx}")
    recorded = layout.host_vars(found, chosen, settings)
    host.check_headers(recorded, found.sysroot)
    if args.verbose:
        log(f"sysconfigdata: {found.sysconfigdata_file}")
        for name in ("CC", "CXX", "LDSHARED", "CFLAGS", "INCLUDEPY", "EXT_SUFFIX"):
            log(f"  {name} = {recorded.get(name, '')}")
        log(f"  accepted wheel platforms: {', '.join(described.platform_tags)}")
    builder = CrossEnvBuilder(
        system_site_packages=args.system_site_packages,
        with_pip=not args.without_pip,
        with_cross_pip=not args.without_cross_pip,
        clear=clear_layers(args.clear or args.clear_both, args.clear_cross, args.clear_build),
        log=log,
    )
    builder.create(Context(env_dir, found, described, chosen, settings))
    return env_dir


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    parser = main_parser()
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(f"crossenv: {message}", file=sys.stderr)

    try:
        env_dir = run(args, log)
    except CrossenvError as exc:
        print(f"crossenv: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("crossenv: interrupted", file=sys.stderr)
        return 130
    log(f"done. Activate with: . {env_dir / 'bin' / 'activate'}")
    return 0


def entrypoint() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    entrypoint()
