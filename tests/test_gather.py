"""Which passages an overview reads (assistant/gather.py): pure logic on a tiny stand-in index."""

from types import SimpleNamespace

from assistant.gather import _section_rows
from assistant.types import Hit


def _index(*sections):
    return SimpleNamespace(chunks=[SimpleNamespace(doc_id="d", section=s) for s in sections])


def test_an_overview_of_a_section_stays_in_it_and_one_of_a_lead_reads_the_sections_after_it():
    index = _index(("Day",), ("Day", "Origins"), ("Day", "Origins"), ("Day", "Other dates"))
    lead = Hit(index.chunks[0], 1.0, rows=(0,))
    # a question on the document's lead (its title) is about the whole document: the sections after it count
    assert _section_rows(lead, index) == [0, 1, 2, 3]
    origins = Hit(index.chunks[1], 1.0, rows=(1,))
    assert _section_rows(origins, index) == [1, 2]  # a section's overview keeps to the section
