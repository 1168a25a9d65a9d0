"""The paragraphs of the source texts Crux holds, as search finds them (search.schema).

Nothing in Python writes here: the database's triggers on debates_sourcetext cut each text into
its paragraphs as the source's reader numbers them (debates.source_queries.paragraph_spans), so a
hit can lead to its paragraph there. Being a model, it also makes search an app with models to
Django, which is what sends it the migrate signals (search.apps)."""

from django.db import models
from django.urls import reverse

from debates.models import Source

# The id of a paragraph's row in the source's reader (debates/source_detail.html: "p-<number>").
PARAGRAPH_FRAGMENT = "p-{number}"


class Passage(models.Model):
    # The unique constraint below leads with the source: it is the index a source's passages
    # are looked up by.
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+", db_index=False)
    number = models.PositiveIntegerField()  # 1 for the text's first paragraph
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="search_passage_once"),
        ]

    def __str__(self):
        return f"¶ {self.number} of {self.source_id}"

    def get_absolute_url(self):
        fragment = PARAGRAPH_FRAGMENT.format(number=self.number)
        return f"{reverse('source', args=[self.source_id])}#{fragment}"
