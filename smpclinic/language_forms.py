"""Forms that edit a clinic text's wording in the clinic's other languages, beside the text
itself (services, health questions, aftercare instructions)."""

from __future__ import annotations

from django import forms

from smpclinic.i18n import other_languages


class OtherLanguagesMixin:
    """For a form whose fields named in TRANSLATED each get a field `<name>_<code>` for every
    other language the clinic's clients may read. The form says what such a field is
    (`translated_field`) and calls `add_language_fields` at the end of its __init__."""

    TRANSLATED: tuple[str, ...] = ()

    def translated_field(self, name: str, language_name: str) -> forms.Field:
        raise NotImplementedError

    def add_language_fields(self, existing: dict | None = None) -> None:
        """The fields for each other language, filled from `existing` ({code: translation})."""
        self.languages = other_languages()
        for code, language_name in self.languages:
            current = (existing or {}).get(code)
            for name in self.TRANSLATED:
                field = self.translated_field(name, language_name)
                if current is not None:
                    field.initial = getattr(current, name)
                self.fields[f"{name}_{code}"] = field

    def translation_fields(self) -> list[tuple]:
        """The bound fields of each other language, for the page."""
        return [
            tuple(self[f"{name}_{code}"] for name in self.TRANSLATED) for code, _ in self.languages
        ]

    def wording(self) -> dict[str, tuple[str, ...]]:
        """{code: (text of each TRANSLATED field)} for the languages the page sent: a form
        posted without a language's fields (an older page) leaves that language alone."""
        first = self.TRANSLATED[0]
        return {
            code: tuple(self.cleaned_data.get(f"{name}_{code}") or "" for name in self.TRANSLATED)
            for code, _ in self.languages
            if not self.is_bound or self.add_prefix(f"{first}_{code}") in self.data
        }
