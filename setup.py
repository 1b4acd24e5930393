"""Map the design card's top-level layer folders onto sub-packages of ``daiko``.

The card wants ``ocr/``, ``forms/``, ``robots/`` … at the top of the tree so the
architecture is visible; installing them as top-level packages would put generic
names like ``forms`` into site-packages, so each folder becomes ``daiko.<folder>``.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
LAYERS = ["ocr", "forms", "robots", "schedules", "reports", "console", "cli", "mocks"]


def _packages(folder: str, dotted: str) -> dict[str, str]:
    found = {}
    for init in sorted((ROOT / folder).rglob("__init__.py")):
        rel = init.parent.relative_to(ROOT / folder)
        name = ".".join([dotted, *rel.parts])
        found[name] = str(init.parent.relative_to(ROOT))
    return found


package_dir = _packages("daiko", "daiko")
for layer in LAYERS:
    package_dir.update(_packages(layer, f"daiko.{layer}"))

setup(
    packages=sorted(package_dir),
    package_dir=package_dir,
    include_package_data=True,
    package_data={"": ["*.yaml", "*.html", "*.css", "*.js", "*.ini", "*.mako", "*.png", "*.ttf", "*.csv"]},
)
