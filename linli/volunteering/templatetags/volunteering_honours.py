"""``{% person_honours person %}``: a person's honours, for the person page (one query)."""

from django import template

from linli.volunteering.honours import person_honours_context

register = template.Library()


@register.inclusion_tag("volunteering/_person_honours.html")
def person_honours(person):
    return person_honours_context(person)
