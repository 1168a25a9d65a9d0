"""Form limits in templates come from the models, so a page never offers more than is stored."""

from django import template
from django.apps import apps

register = template.Library()


@register.simple_tag
def max_length(field):
    """The max_length of a model field named "app_label.Model.field", for an input's maxlength."""
    model, name = field.rsplit(".", 1)
    return apps.get_model(model)._meta.get_field(name).max_length
