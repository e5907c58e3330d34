from .models import Section, Story


def cluster_stories(groups, encoder, threshold=0.0, window_hours=72):
    import numpy as np
    if not groups: return []
    v = np.asarray(encoder([g.primary.title + ". " + g.primary.lead for g in groups]))
    lab = list(range(len(groups)))
    for i in range(len(groups)):
        for j in range(i):
            if float(v[i]@v[j]) > 0.6: lab[i] = lab[j]; break
    out = {}
    for g, l in zip(groups, lab): out.setdefault(l, []).append(g)
    return [Story(id="s-" + str(abs(hash(gs[0].primary.entry_id)) % 10**8), groups=gs) for gs in out.values()]
def assign_sections(stories, topics, encoder):
    return [Section("Other", stories)] if stories else []
