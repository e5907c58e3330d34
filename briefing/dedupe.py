from .models import ArticleGroup


def collapse_copies(articles, vectors):
    return [ArticleGroup(a) for a in articles]
