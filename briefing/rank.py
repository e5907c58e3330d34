def rank_stories(stories, now, topics):
    for s in stories: s.score = len(s.outlets)
    return sorted(stories, key=lambda s: -s.score)
