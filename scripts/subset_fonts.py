"""Subset Noto Sans SC ahead of time for the application PDF, so no request ever subsets a 10 MB font.

Usage (from the repository root, with the project's virtual environment):

    .venv/bin/python scripts/subset_fonts.py                     # fetches the npm package with `npm pack`
    .venv/bin/python scripts/subset_fonts.py --source DIR        # DIR holds an unpacked npm package

The source is the npm package @expo-google-fonts/noto-sans-sc (version pinned below), which carries the
Google Fonts build of Noto Sans SC as static TTF files under the SIL Open Font License 1.1 (its
LICENSE_FONT, copied next to the subsets as OFL.txt). The subsets keep:

- Regular: ASCII, Latin-1 punctuation, the CJK symbols and full-width forms, every hanzi of GB 2312
  (levels 1 and 2, 6,763 characters: the set every Chinese input method and most names stay within),
  and every character of the policy fixtures and of the PDF's template and labels;
- Bold (headings and labels only): ASCII, the punctuation, and the characters of the template, the labels
  and the policy fixtures (incentive names and clause numbers are printed in bold).

A character outside the subset is still printed: the stylesheet falls back to the system's
"Noto Sans CJK SC" (Debian: fonts-noto-cjk) for it. fontTools (pyftsubset) comes with WeasyPrint.
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "applications" / "pdf_fonts"
PACKAGE = "@expo-google-fonts/noto-sans-sc@0.4.3"
SOURCES = {  # weight -> file inside the npm package
    "Regular": "package/400Regular/NotoSansSC_400Regular.ttf",
    "Bold": "package/700Bold/NotoSansSC_700Bold.ttf",
}
# Files whose every character must be printable in the PDF.
TEXT_SOURCES = [
    *sorted((ROOT / "fixtures" / "policies").glob("*.yaml")),
    ROOT / "fixtures" / "facts.yaml",
    *sorted((ROOT / "templates" / "applications" / "pdf").glob("*.*")),
    ROOT / "applications" / "pdf.py",
    *sorted((ROOT / "applications" / "models").glob("*.py")),      # the labels a snapshot copies
    *sorted((ROOT / "incentives" / "rules").rglob("*.py")),         # the reasons and steps the engine writes
]
# OpenType features worth keeping for horizontal Chinese with Latin digits: the rest (vertical forms,
# fractions, localised Japanese/Korean forms) only slow down the subsetting WeasyPrint does per PDF.
FEATURES = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk", "palt", "halt"]


def gb2312_hanzi() -> str:
    """The 6,763 hanzi of GB 2312: rows 16-55 (level 1, by pinyin) and 56-87 (level 2, by radical)."""
    chars = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # the five unassigned cells at the end of row 55
    return "".join(chars)


def symbols() -> str:
    """ASCII, Latin-1 punctuation, general punctuation, CJK symbols, full-width forms, GB 2312 rows 1-9."""
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x205E), (0x2100, 0x215F), (0x2160, 0x217F),
              (0x2460, 0x24FF), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF),
              (0x3000, 0x303F), (0x3200, 0x32FF), (0xFE30, 0xFE4F), (0xFF01, 0xFF65), (0xFFE0, 0xFFEE)]
    chars = [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]
    for row in range(0xA1, 0xAA):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


def project_text() -> str:
    return "".join(sorted({c for path in TEXT_SOURCES for c in path.read_text(encoding="utf-8") if c.isprintable()}))


def fetch_package(into: Path) -> Path:
    if not shutil.which("npm"):
        sys.exit("需要 npm 下载字体包（或用 --source 指定已解压的目录）/ npm is needed to fetch the font package")
    subprocess.run(["npm", "pack", PACKAGE, "--silent", "--pack-destination", str(into)], check=True,
                   stdout=subprocess.DEVNULL)
    (tarball,) = into.glob("*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extractall(into, members=[m for m in tar.getmembers()
                                      if m.name in {*SOURCES.values(), "package/LICENSE_FONT"}], filter="data")
    return into


def subset_font(source: Path, target: Path, text: str) -> None:
    options = subset.Options()
    options.layout_features = FEATURES
    options.hinting = False           # WeasyPrint drops hinting from PDFs anyway
    options.desubroutinize = True
    options.name_IDs = ["*"]          # keep the copyright, licence and version records
    options.notdef_outline = True
    options.drop_tables += ["vhea", "vmtx", "BASE", "STAT"]  # vertical metrics: the PDF is set horizontally
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an unpacked @expo-google-fonts/noto-sans-sc package")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_package(Path(tmp))
        base = symbols() + project_text()
        texts = {"Regular": base + gb2312_hanzi(), "Bold": base}
        OUT.mkdir(parents=True, exist_ok=True)
        for weight, member in SOURCES.items():
            target = OUT / f"NotoSansSC-{weight}.subset.ttf"
            subset_font(source / member, target, texts[weight])
            digest = hashlib.sha256(target.read_bytes()).hexdigest()[:16]
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1024:.0f} KB, "
                  f"{len(set(texts[weight]))} characters, sha256 {digest}…")
        shutil.copyfile(source / "package" / "LICENSE_FONT", OUT / "OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
