#!/usr/bin/env python3
"""Writes the Arabic common-word list that the geoparser uses to tell place
names from ordinary words (العمر "age", المدن "the cities", البيان "the statement").

Source: the `wordfreq` package (pip install wordfreq==3.1.1), Arabic "large"
list; data CC BY-SA 4.0 (see gazetteer/ATTRIBUTION.md). Only Arabic-script
words with a Zipf frequency of at least MIN_ZIPF are kept, as `word<TAB>zipf`,
sorted by word, so the output is reproducible.

Usage: python3 gazetteer/tools/common_words.py > crates/geoparse/data/arabic_common_words.tsv
"""
import math
import re
import sys

from wordfreq import get_frequency_dict

MIN_ZIPF = 3.4
ARABIC = re.compile(r"^[\u0600-\u06FF]+$")


def main() -> None:
    freqs = get_frequency_dict("ar", wordlist="large")
    rows = []
    for word, f in freqs.items():
        zipf = math.log10(f) + 9
        if zipf >= MIN_ZIPF and ARABIC.match(word):
            rows.append((word, round(zipf, 1)))
    rows.sort()
    out = sys.stdout
    out.write("# Arabic words with Zipf frequency >= %.1f, from wordfreq 3.1.1 (CC BY-SA 4.0)\n" % MIN_ZIPF)
    for word, z in rows:
        out.write(f"{word}\t{z}\n")


if __name__ == "__main__":
    main()
