"""Build hook: compile the catalogues in ``translations/`` into the package.

``translations/`` (the ``.po`` sources, next to the package) stays the one place translators
edit. A built package (wheel, ``pip install .``) gets the compiled ``.mo`` files as
``wattelt/translations/<language>/LC_MESSAGES/messages.mo``, so an installed Wattelt never has to
write into its own files. Everything else is in ``pyproject.toml``."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable checkout compiles into translations/ at start-up
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        sources = sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))
        if not sources:
            raise SystemExit("translations/*/LC_MESSAGES/*.po not found: the build needs them")
        for po_path in sources:
            language = po_path.parent.parent.name
            target = Path(self.build_lib, "wattelt", "translations", language, "LC_MESSAGES")
            target.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as handle:
                catalogue = read_po(handle, locale=language)
            with (target / po_path.with_suffix(".mo").name).open("wb") as handle:
                write_mo(handle, catalogue)


setup(cmdclass={"build_py": BuildWithCatalogues})
