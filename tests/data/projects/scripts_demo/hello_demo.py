import platform
import sys


def main() -> None:
    print(f"hello from {platform.machine()} {sys.executable}")
