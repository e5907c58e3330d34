from .models import Takeaway


def summarize_story(story, encoder, takeaways=4, max_words=35):
    a = story.articles[0]
    story.headline = a.title
    sents = [s.strip() for s in a.text.split(". ") if s.strip()]
    story.summary = sents[0] if sents else ""
    story.takeaways = [Takeaway(s, story.outlets) for s in sents[1:1+takeaways]]
    return story
