"""The clinic's named date and time formats, one module per locale (FORMAT_MODULE_PATH).

Templates write `{{ value|date:"DAY_SHORT_FORMAT" }}`, Python `smpclinic.formats.show(value,
"DAY_SHORT_FORMAT")`: the active language picks the module (en_GB for en-gb, en for
en-us, es for es), so a US clinic reads "Mon, Jan 5, 2:30 PM" where a London one reads
"Mon 5 Jan, 14:30". Every module defines every name in `smpclinic.formats.NAMED_FORMATS`.
"""
