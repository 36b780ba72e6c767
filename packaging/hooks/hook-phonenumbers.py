"""Replaces the contributed hook, which collects every phonenumbers module: the app parses and
formats numbers (phonenumbers.data), and never geocodes them, names carriers or time zones,
whose tables are about 45 MB."""

from PyInstaller.utils.hooks import collect_submodules

_UNUSED = ("phonenumbers.geodata", "phonenumbers.carrierdata", "phonenumbers.tzdata")

hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(_UNUSED))
