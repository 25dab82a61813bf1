"""Vendor the official region list (Kemendagri codes) into the app: `make regions`.

Reads the npm package `idn-area-data` (a tarball made by `npm pack idn-area-data@<version>`,
or its unpacked `package/` folder) and writes, beside the code that reads it
(coop_app/cooperatives/data/):

- regions.csv.gz: one row per province, kabupaten/kota, kecamatan and desa/kelurahan,
  `code,name`, sorted by code; the level is the code's form (11, 11.01, 11.01.01,
  11.01.01.2001). Written byte-for-byte the same for the same package (no timestamp).
- README.md: the package's name, version, licence and the counts;
- LICENSE.md: the data's licence (the Open Database License), kept beside the data.

The app never needs the network: it reads the committed file (coop_app/cooperatives/regions.py).
Usage: python scripts/vendor_regions.py PATH_TO_TGZ_OR_PACKAGE_DIR
"""
import csv
import gzip
import io
import json
import sys
import tarfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "coop_app" / "cooperatives" / "data"
LEVELS = (("provinces.csv", 2, "provinces"), ("regencies.csv", 5, "kabupaten/kota"),
          ("districts.csv", 8, "kecamatan"), ("villages.csv", 13, "desa/kelurahan"))


def _reader(source):
    """A function reading one file of the package by its path inside `package/`."""
    source = Path(source)
    if source.is_dir():
        root = source / "package" if (source / "package").is_dir() else source
        return lambda name: (root / name).read_text(encoding="utf-8")
    archive = tarfile.open(source, "r:gz")

    def read(name):
        return archive.extractfile(f"package/{name}").read().decode("utf-8")
    return read


def vendor(source, target=TARGET):
    read = _reader(source)
    meta = json.loads(read("package.json"))
    rows, counts = [], {}
    for filename, width, label in LEVELS:
        found = list(csv.DictReader(io.StringIO(read(f"data/{filename}"))))
        for row in found:
            code, name = row["code"].strip(), " ".join(row["name"].split())
            if len(code) != width or not name:
                raise SystemExit(f"{filename}: unexpected row {row!r}")
            rows.append((code, name))
        counts[label] = len(found)
    rows.sort()
    if len({code for code, _ in rows}) != len(rows):
        raise SystemExit("duplicate codes in the package")
    target.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("code", "name"))
    writer.writerows(rows)
    with open(target / "regions.csv.gz", "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(text.getvalue().encode("utf-8"))
    (target / "LICENSE.md").write_text(read("data/LICENSE.md"), encoding="utf-8")
    counted = "\n".join(f"| {label} | {count} |" for label, count in counts.items())
    (target / "README.md").write_text(f"""# The official region list

`regions.csv.gz` holds Indonesia's provinces, kabupaten/kota, kecamatan and desa/kelurahan
with their Kemendagri codes (`code,name`, sorted by code). It is written by
`scripts/vendor_regions.py` (`make regions`) from the npm package below; do not edit it by hand.

- package: `{meta["name"]}` version `{meta["version"]}` ({meta.get("homepage", "")})
- data licence: Open Database License (ODbL) 1.0, the package's `data/LICENSE.md`, copied
  here as `LICENSE.md` (the package's code, not vendored, is {meta.get("license", "")}).
  Contains information from idn-area-data, made available under the ODbL.

| level | rows |
|---|---|
{counted}
""", encoding="utf-8")
    return meta["version"], counts


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    version, counts = vendor(sys.argv[1])
    print(f"idn-area-data {version}: " + ", ".join(f"{n} {label}" for label, n in counts.items()))
