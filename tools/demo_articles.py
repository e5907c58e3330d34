"""The demo corpus's stories, written for this project (invented outlets, companies and people).

Each article is one page under ``briefing/demo_corpus/pages/<outlet>/<slug>.html`` and one item in
its outlet's feed. ``story`` is the gold label: articles with the same label report the same event.
Bodies are paragraphs separated by blank lines. ``tools/build_demo_corpus.py`` renders them.

The demo day is Friday 2026-11-20; every time is UTC.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Story A: one wire text (Continental Press) reprinted on four sites with small differences.
# --------------------------------------------------------------------------------------------
WIRE_EU_JAPAN = """\
BRUSSELS, Nov 19 (Continental Press) - The European Union and Japan agreed on Thursday to test the most capable artificial intelligence models together before they are released to the public, the first arrangement of its kind between the two economies.

The European AI Office and Japan's AI Safety Institute will share evaluation methods, second staff to each other and run a common set of tests on so-called frontier models, officials said after a signing ceremony in Brussels. A pilot covering 12 models is due to begin in February 2027.

"Neither of us can check these systems alone at the speed they are now being built," said an EU official involved in the negotiations, who asked not to be named because the full text of the agreement has not yet been published.

The two sides will spend 40 million euros over three years on shared computing capacity and a joint team of about 60 evaluators based in Brussels and Tokyo. Developers that volunteer for the pilot will receive one test report recognised by both authorities rather than going through two separate reviews.

According to a summary of the agreement seen by Continental Press, the tests will concentrate on offensive cyber capabilities, possible misuse in chemistry and biology, and how reliably models refuse clearly harmful requests.

Industry groups welcomed the promise of fewer duplicate audits but asked for firm timelines. "A shared report only helps if it arrives before a launch, not six months after it," said a spokesperson for the Digital Industry Council, which represents software companies in Europe and Asia.

The pact does not alter the obligations of the EU's AI Act, whose rules for general-purpose models have applied since August 2025, or Japan's voluntary guidelines for AI developers. Officials said they hoped to bring Canada and South Korea into the arrangement during 2027.

Japanese officials said the first models to be tested would be chosen by the end of January from developers that have signed up, and that results would be shared with each developer before any public summary is released."""

WIRE_CREDIT = "(Reporting by Lena Vogt in Brussels and Kenji Arai in Tokyo; Editing by Tom Harwell)"


def _wire(intro: str = "", drop_dateline: bool = False, this_week: bool = False, credit: bool = True, outro: str = "") -> str:
    text = WIRE_EU_JAPAN
    if drop_dateline:
        text = text.replace("BRUSSELS, Nov 19 (Continental Press) - The European Union", "The European Union", 1)
    if this_week:
        text = text.replace("agreed on Thursday to test", "agreed this week to test", 1)
    parts = [p for p in (intro, text, WIRE_CREDIT if credit else "", outro) if p]
    return "\n\n".join(parts)


ARTICLES: list[dict] = [
    # ---------------- A: wire reprints ----------------
    {
        "outlet": "relay", "slug": "eu-japan-joint-ai-model-tests", "story": "eu-japan-ai-testing",
        "title": "EU and Japan agree to jointly test advanced AI models before release",
        "published": "2026-11-20T00:40:00Z", "author": "Continental Press", "image": "policy",
        "caption": "The agreement was signed at the European Commission in Brussels.",
        "section": "Policy", "body": _wire(),
    },
    {
        "outlet": "tensortimes", "slug": "eu-japan-frontier-ai-testing", "story": "eu-japan-ai-testing",
        "title": "EU, Japan strike deal to test frontier AI models together",
        "published": "2026-11-20T01:35:00Z", "author": "Continental Press", "image": "policy",
        "caption": "Officials from both sides at the signing in Brussels.",
        "section": "Policy",
        "body": _wire(
            intro="Europe and Japan are pooling their AI safety testers, a move that could spare developers from sitting through two separate government reviews.",
            credit=False, outro="This article was supplied by Continental Press.",
        ),
    },
    {
        "outlet": "byteledger", "slug": "eu-japan-ai-model-testing", "story": "eu-japan-ai-testing",
        "title": "EU and Japan to jointly test advanced AI models before release",
        "published": "2026-11-20T02:10:00Z", "author": "Continental Press", "image": "policy",
        "caption": "Brussels hosted the signing ceremony.",
        "section": "Regulation", "body": _wire(this_week=True),
    },
    {
        "outlet": "silicongazette", "slug": "eu-japan-ai-testing-pact", "story": "eu-japan-ai-testing",
        "title": "Europe and Japan sign pact on joint testing of frontier AI",
        "published": "2026-11-20T03:05:00Z", "author": "Continental Press", "image": "policy",
        "caption": "A pilot covering 12 models starts in February 2027.",
        "section": "Policy",
        "body": _wire(
            drop_dateline=True,
            outro="Silicon Gazette has asked several large model developers whether they intend to join the pilot; none had responded by publication time.",
        ),
    },
    # ---------------- B: one launch, six outlets, six ways of telling it ----------------
    {
        "outlet": "tensortimes", "slug": "orion-4-launch", "story": "orion-4-launch",
        "title": "Orion AI launches Orion 4 with two-million-token context window",
        "published": "2026-11-20T00:25:00Z", "author": "Nadia Ferreira", "image": "model",
        "caption": "Orion AI chief executive Mara Okafor presented the model in a livestream.",
        "section": "Models",
        "body": """\
Orion AI released Orion 4 on Thursday, the San Francisco company's most capable model so far and the first in its line able to read up to two million tokens in a single request, roughly the length of 15 novels.

The model is available immediately to paying subscribers of the Orion app and to developers through the company's API, where it costs $3 per million input tokens and $15 per million output tokens. Business customers on the Enterprise plan will get access in December, the company said.

Orion AI said the new model scored 78.2 percent on SWE-bench Verified, a widely watched test in which models fix real bugs in open-source software, compared with 64.9 percent for Orion 3.5, which was released in June.

"Orion 4 is the first model we trust to work on a problem for an afternoon without someone watching every step," chief executive Mara Okafor said in a livestreamed presentation. A new agent mode lets the model operate a sandboxed browser and terminal for up to eight hours on a single task, pausing to ask for approval before it makes purchases or sends email.

Free users will get Orion 4 Lite, a smaller and faster version, with lower usage limits.

The company said it rated Orion 4 as "high" risk for cyber-security capabilities under its internal preparedness framework, the first time one of its models has reached that level, and that it had added classifiers that block requests for working exploit code. Outside testers, including two government safety institutes, had access to the model for six weeks before launch, it said.

Orion AI did not disclose the model's size or the amount of computing power used to train it.

Analysts said the pricing, unchanged from Orion 3.5, was aimed at keeping developers from moving to cheaper open-weight alternatives. The launch comes a week after rivals cut prices on their own flagship models.""",
    },
    {
        "outlet": "gradient", "slug": "orion-4-analysis", "story": "orion-4-launch",
        "title": "Orion 4 is built for long jobs, and its coding scores show it",
        "published": "2026-11-20T01:50:00Z", "author": "Theo Lindgren", "image": "model",
        "caption": "Orion 4's agent mode can keep working for up to eight hours.",
        "section": "Analysis",
        "body": """\
If there was a single number Orion AI wanted people to remember from Thursday's launch, it was 78.2. That is the share of problems Orion 4 solved on SWE-bench Verified, the benchmark of real GitHub issues that has become the scoreboard for coding assistants. Its predecessor, Orion 3.5, managed 64.9 percent.

The jump matters less as a bragging right than as a hint of what the model is for. Orion 4 arrives with a context window of two million tokens, enough to hold a large codebase plus its documentation, and an agent mode that can keep working for as long as eight hours inside a sandbox with its own browser and terminal.

In a demo, Mara Okafor, Orion AI's chief executive, set the model loose on a migration of a payments service from one database to another, then checked back on it after lunch. Whether that holds up outside a rehearsed demo is the open question. Long-running agents tend to fail quietly, piling small mistakes on top of one another, and Orion AI published few details on how often the agent mode needs a human to step in.

Pricing is the same as for Orion 3.5: $3 for every million tokens sent to the model and $15 per million it produces. That keeps Orion 4 well above open-weight models that can be run on rented hardware, but below the premium tiers some rivals introduced this autumn.

There are trade-offs. Orion AI says the model crosses its own "high" threshold for cyber-security risk, so some requests involving exploit code will now be refused by an extra filter, which security researchers fear will also catch legitimate work. And the company again declined to say how large the model is.

Orion 4 is live for paid app subscribers and API developers now; enterprise customers follow in December, while free users get a cut-down Orion 4 Lite.""",
    },
    {
        "outlet": "byteledger", "slug": "orion-4-pricing-enterprise", "story": "orion-4-launch",
        "title": "Orion AI holds prices steady as it bets on Orion 4 for enterprise revenue",
        "published": "2026-11-20T01:15:00Z", "author": "Grace Whitmore", "image": "model",
        "caption": "Orion 4 costs the same as the model it replaces.",
        "section": "Business",
        "body": """\
Orion AI is keeping its prices where they are. The company's new flagship, Orion 4, went on sale on Thursday at $3 per million input tokens and $15 per million output tokens, the same as the model it replaces, even as the start-up promises customers a large step up in capability.

The decision reflects pressure on margins across the industry. Several competitors cut the price of their top models in the past fortnight, and cheap open-weight models have become good enough for many routine business tasks. Orion AI, which counts banks and large software firms among its API customers, is betting that better performance on long and complex jobs will keep them paying.

The headline features are aimed squarely at those customers. Orion 4 can take in two million tokens of text at once, whole contract archives or code repositories, and a new agent mode can run unattended for up to eight hours. On SWE-bench Verified, a coding benchmark, the model scored 78.2 percent against 64.9 percent for Orion 3.5.

Enterprise plan customers will get access in December after what Orion AI called additional security reviews; individual subscribers and API users can use the model today. A lighter Orion 4 Lite is being offered to free users of the consumer app, a move that helps the company keep its free tier competitive without giving away its most expensive model.

Chief executive Mara Okafor told investors on a call after the launch that API revenue had roughly doubled since the start of the year, according to two people who listened to the call. The company has not published financial results.

The model also comes with stricter safeguards. Orion AI classified Orion 4 as "high" risk for cyber capabilities under its internal framework, which means extra filtering on requests for exploit code, something corporate security teams will have to test against their own workflows.""",
    },
    {
        "outlet": "inferencedaily", "slug": "orion-4-api-guide", "story": "orion-4-launch",
        "title": "Orion 4 in the API: 2M-token context, eight-hour agent runs, same price",
        "published": "2026-11-20T00:55:00Z", "author": "Sam Okonkwo", "image": "model",
        "caption": "The new model is available as orion-4, with orion-4-lite alongside.",
        "section": "Developers",
        "body": """\
Orion AI's new model, Orion 4, is available in the API from today under the model name orion-4, with orion-4-lite as a cheaper, faster sibling. Here is what developers need to know.

Context. The model accepts up to two million tokens per request. Orion AI says prompts above 200,000 tokens are billed at the same rate as shorter ones, which is unusual; most providers charge more for very long prompts. Latency on a full two-million-token prompt is measured in minutes, not seconds, so the company recommends its batch endpoint for that kind of job.

Price. $3 per million input tokens and $15 per million output tokens, unchanged from Orion 3.5. Cached input is discounted by 90 percent.

Agents. A new agent mode gives the model a sandboxed browser and terminal and lets it work on a task for up to eight hours. Developers can set checkpoints at which the agent must ask for approval, and the API streams a log of every action.

Benchmarks. Orion AI reports 78.2 percent on SWE-bench Verified, up from 64.9 percent for Orion 3.5. It has not yet published results on independent leaderboards, and third-party evaluations usually trail vendors' own numbers.

Safety filters. Because the company classifies Orion 4 as "high" risk for cyber capabilities, an additional classifier screens requests for exploit development. Security vendors can apply for an exemption through a vetted-access programme.

Availability. The model is live for paid users of the Orion app and for API accounts at usage tier 2 and above. Enterprise workspaces follow in December; free app users get Orion 4 Lite.

Chief executive Mara Okafor said during the launch stream that the team had spent "more time on reliability than on raw intelligence" in this release, pointing to lower error rates when the model calls external tools.""",
    },
    {
        "outlet": "openweights", "slug": "orion-4-closed", "story": "orion-4-launch",
        "title": "Orion 4 is impressive, and as closed as ever",
        "published": "2026-11-20T04:40:00Z", "author": "Ines Castellano", "image": "model",
        "caption": "Orion 4 ships with a 60-page system card but no weights.",
        "section": "Commentary",
        "body": """\
Orion AI's Orion 4, launched on Thursday, will be judged by most people on its headline figures: a two-million-token context window, an agent mode that can work for eight hours and a 78.2 percent score on the SWE-bench Verified coding test. For readers of this newsletter, the more telling figure is the one that is missing.

As with Orion 3.5 before it, the company has not said how many parameters the model has, what data it was trained on or how much compute went into it. The accompanying system card runs to 60 pages, most of it about safety evaluations, including the company's finding that Orion 4 reaches its "high" risk tier for cyber-security. There are no weights to download and no technical report of the kind that open-weight labs now publish as a matter of course.

That matters for the people who build on top of these systems. Without weights, researchers cannot reproduce the benchmark claims, and companies cannot run the model on their own hardware. The price, $3 per million input tokens and $15 per million output tokens through the API, is the only lever customers have.

Developers in community forums were nonetheless impressed by early trials, particularly with long-context retrieval. Several reported that the model found details buried deep inside million-token document dumps that earlier models missed. Others noted that the agent mode stalled on tasks that needed logins or captchas.

The gap between the best closed models and the best open ones had narrowed to a few months by the summer. Orion 4 may widen it again, at least on long-horizon agent tasks. How long that lasts will depend on how quickly open labs catch up with long-context training, which remains expensive.

Orion 4 is available to paid subscribers and API users now, with Orion 4 Lite for the free tier and enterprise access in December.""",
    },
    {
        "outlet": "silicongazette", "slug": "orion-4-five-things", "story": "orion-4-launch",
        "title": "What's new in Orion 4: five things to know",
        "published": "2026-11-20T02:30:00Z", "author": "Priyanka Shah", "image": "model",
        "caption": "Orion 4 succeeds Orion 3.5, released in June.",
        "section": "Explainers",
        "body": """\
Orion AI unveiled Orion 4 on Thursday evening Pacific time. Here is a short guide to the release.

What is it? Orion 4 is Orion AI's new flagship language model, succeeding Orion 3.5 from June. It is aimed at long, multi-step work such as coding, research and data analysis.

What can it do that the old one could not? It reads up to two million tokens at once, compared with 400,000 for Orion 3.5, and it comes with an agent mode that can use a browser and a terminal on its own for up to eight hours. On the SWE-bench Verified coding benchmark it scored 78.2 percent, against 64.9 percent for its predecessor, according to the company.

Who can use it? Paying subscribers of the Orion app and developers using the API, starting now. Enterprise customers get it in December. Free users are switched to Orion 4 Lite, a smaller version.

What does it cost? In the API, $3 per million input tokens and $15 per million output tokens, the same as before. App subscriptions are unchanged.

Is it safe? Orion AI says Orion 4 is the first of its models to reach the "high" level for cyber-security risk in its own framework, so it has added filters against requests for exploit code. Government testers had six weeks with the model before release. Chief executive Mara Okafor called it "the most carefully tested model we have shipped."

What is still unknown? The model's size, its training data and how it performs in independent tests, which typically appear within a few weeks of a launch.""",
    },
    # ---------------- C1: Sable-MoE; outlets disagree on ACTIVE parameters (32B vs 35B) ----------------
    {
        "outlet": "openweights", "slug": "sable-moe-release", "story": "sable-moe-release",
        "title": "Sable Research releases Sable-MoE, a 480B open-weights mixture-of-experts model",
        "published": "2026-11-20T02:05:00Z", "author": "Ines Castellano", "image": "model",
        "caption": "Sable-MoE routes each token to eight of its 160 experts.",
        "section": "Releases",
        "body": """\
Singapore-based Sable Research on Friday published the weights of Sable-MoE, a mixture-of-experts language model with 480 billion parameters in total, of which 32 billion are active for each token. The model is released under the Apache 2.0 licence, which allows commercial use without restrictions beyond attribution.

Sable-MoE uses 160 experts, eight of which are routed for each token, and supports a context window of 256,000 tokens. The company says it was trained on 22 trillion tokens of text and code, with a final stage focused on tool use and long documents.

In Sable's own evaluations the model comes within a few points of the leading closed models on coding and maths tests, and ahead of every open-weight model it compared against. The technical report, 48 pages long, includes training-loss curves, the data mixture by domain and ablations of the routing scheme, a level of disclosure that has become the norm for serious open releases.

Running the full model is not a hobbyist project. At 8-bit precision the weights take roughly 480 gigabytes, so a single server with eight 80-gigabyte accelerators is the practical minimum. Sable is also publishing 4-bit versions and says community quantisations should bring the model within reach of workstations with large amounts of unified memory.

Because only 32 billion parameters are active per token, generation speed is closer to that of a mid-sized dense model than its total size suggests, which matters for anyone serving it at scale.

Sable Research was founded in 2023 by former researchers from academic labs in Singapore and Beijing and has released three earlier models. Its previous flagship, Sable-2 72B, is one of the most downloaded open models on public hubs this year.""",
    },
    {
        "outlet": "inferencedaily", "slug": "sable-moe-480b-open-weights", "story": "sable-moe-release",
        "title": "Sable-MoE 480B lands with open weights and a 256K context",
        "published": "2026-11-20T02:50:00Z", "author": "Sam Okonkwo", "image": "model",
        "caption": "Official 4-bit and 8-bit checkpoints ship alongside the full weights.",
        "section": "Open models",
        "body": """\
Sable Research has released Sable-MoE, a 480-billion-parameter mixture-of-experts model with open weights, and if the company's benchmarks hold up it is the most capable model that developers can now download and run themselves.

The architecture activates 32 billion parameters per token across eight of its 160 experts. That keeps inference costs manageable: Sable says a single node of eight 80 GB accelerators can serve the model at 8-bit precision with throughput comparable to a 30-billion-parameter dense model.

Key specs: a 256,000-token context window; training on 22 trillion tokens; an Apache 2.0 licence, so commercial use is allowed; and official 4-bit and 8-bit checkpoints alongside the full-precision weights.

Support in popular open-source inference engines arrived on day one, with the Singapore start-up contributing its routing kernels upstream before the launch. Early users reported stable output with speculative decoding using Sable's small draft model.

On Sable's published evaluations, the model beats all open-weight competitors it tested on coding and mathematics and trails the best closed models by a small margin. Independent leaderboard results were not yet available on Friday. The release comes with a 48-page technical report detailing the data mix and experiments with the routing scheme.

For teams that have relied on closed APIs because no open model was good enough for their workloads, Sable-MoE is likely to be the first release worth a serious evaluation in months. The main cost will be hardware: serving the model to many users at once needs several nodes.

Licensing is the other draw. Apache 2.0 carries no user caps or acceptable-use clauses, unlike the custom licences attached to several large open models, so legal review should be short for most companies.""",
    },
    {
        "outlet": "gradient", "slug": "sable-moe-480b", "story": "sable-moe-release",
        "title": "Sable's 480B open model narrows the gap with closed rivals",
        "published": "2026-11-20T04:15:00Z", "author": "Theo Lindgren", "image": "model",
        "caption": "Sable Research is based in Singapore.",
        "section": "Models",
        "body": """\
The most interesting AI release of the week may not come from San Francisco. Sable Research, a three-year-old lab in Singapore, put the weights of its new Sable-MoE model online on Friday, and its published scores put it close to the best proprietary systems on coding and maths.

Sable-MoE is a mixture-of-experts model with 480 billion parameters, of which 35 billion are active for any given token, according to the company's announcement. The design lets it behave like a much larger model while costing roughly as much to run as a mid-sized one. It reads up to 256,000 tokens of context and was trained on 22 trillion tokens.

Crucially, the weights are released under Apache 2.0, one of the most permissive licences available, so companies can fine-tune and deploy the model commercially without asking permission.

Sable's 48-page technical report is unusually candid, listing the mix of training data by source and including experiments that did not work. Researchers praised the disclosure; one called it "the most useful open report of the year."

The release adds to pressure on closed-model companies, whose lead over open alternatives has shrunk from more than a year to a few months. It also raises questions for policymakers who have debated whether publishing the weights of very capable models should be restricted. Sable said it had run the same cyber and biology misuse evaluations used by government safety institutes and found no capability beyond what is already freely available.

The full model needs a server with eight high-memory accelerators, but 4-bit versions published alongside it make it usable on smaller set-ups.""",
    },
    # ---------------- C2: Cobalt C7; outlets disagree on PRICE ($28,000 vs $30,000) ----------------
    {
        "outlet": "silicongazette", "slug": "cobalt-c7-unveiled", "story": "cobalt-c7",
        "title": "Cobalt Compute unveils C7 AI accelerator priced at $28,000",
        "published": "2026-11-20T00:15:00Z", "author": "Priyanka Shah", "image": "chip",
        "caption": "The C7 pairs its compute dies with 192 GB of HBM4.",
        "section": "Chips",
        "body": """\
Cobalt Compute, the Austin-based chip start-up, on Thursday unveiled the C7, its second-generation accelerator for training and running large AI models, and said it would sell for $28,000 per chip, well below the going rate for the market leader's top parts.

The C7 is built on TSMC's 3-nanometre process and pairs its compute dies with 192 GB of HBM4 memory, which Cobalt says delivers 4.8 petaflops of FP8 performance at a power draw of about 1,000 watts. The company claims that, for inference on large language models, a rack of C7s produces 40 percent more tokens per dollar than comparable systems available today.

Volume shipments are scheduled for the second quarter of 2027. Stratos Cloud, a GPU rental provider, has signed up as the first customer and will offer C7 instances to its clients.

Cobalt's chief executive, Daniel Reyes, said at the launch event that the company had focused on memory capacity because "the models people actually deploy are limited by memory, not arithmetic." He said the software stack now supports the major open-source frameworks without code changes, a weakness of the first-generation C5.

The pricing is aggressive. Analysts estimate the market leader's flagship accelerators sell for more than $35,000 each when bought in volume, though prices vary widely by customer. Undercutting that by a meaningful margin could help Cobalt win business from cloud providers eager to reduce their reliance on a single supplier.

The start-up has raised about $1.1 billion since it was founded in 2021. It did not say how many C7 chips it expects to ship next year.""",
    },
    {
        "outlet": "tensortimes", "slug": "cobalt-c7-accelerator", "story": "cobalt-c7",
        "title": "Cobalt's C7 chip takes aim at AI inference costs",
        "published": "2026-11-20T00:50:00Z", "author": "Marcus Bell", "image": "chip",
        "caption": "Cobalt Compute showed the C7 at an event in Austin, Texas.",
        "section": "Hardware",
        "body": """\
Chip designer Cobalt Compute introduced its C7 accelerator on Thursday, betting that a large memory pool and a lower price will persuade cloud companies to diversify away from the dominant supplier of AI hardware.

The C7 will cost $30,000 per unit, Cobalt said at an event in Austin, Texas, where the company is based. It carries 192 GB of HBM4 high-bandwidth memory and is manufactured on TSMC's 3-nanometre process. Cobalt rates its performance at 4.8 petaflops at FP8 precision, at around 1,000 watts.

The company said customers will receive chips in volume in the second quarter of 2027. Its first announced buyer is Stratos Cloud, which rents out AI computing capacity and plans to offer C7-based servers.

"Memory, not raw arithmetic, is what limits the models people actually run," chief executive Daniel Reyes told the audience.

Cobalt's first chip, the C5, won praise for its efficiency but was held back by immature software. Reyes said the C7 runs models built for the main open-source frameworks without modification.

Rivals have had mixed success challenging the market leader, whose software ecosystem keeps customers loyal even when competing hardware is cheaper. Cobalt, founded in 2021, has raised roughly $1.1 billion from investors to try.

The company claimed that racks built with C7s deliver 40 percent more tokens per dollar than current alternatives when serving large language models, a figure that could not be independently verified.

Stratos Cloud did not say how many chips it had ordered. Cobalt declined to give a shipment forecast for next year, saying only that it had secured enough manufacturing capacity to meet the orders it expects, and that a liquid-cooled rack design would be available at launch.""",
    },
    {
        "outlet": "byteledger", "slug": "cobalt-c7-price", "story": "cobalt-c7",
        "title": "Chip start-up Cobalt prices C7 accelerator at $28,000 to undercut the leader",
        "published": "2026-11-20T01:40:00Z", "author": "Grace Whitmore", "image": "chip",
        "caption": "Volume shipments of the C7 begin in the second quarter of 2027.",
        "section": "Markets",
        "body": """\
Cobalt Compute wants to win on price. The Austin, Texas-based company said on Thursday that its new C7 AI accelerator will sell for $28,000 per chip when volume shipments start in the second quarter of 2027, a discount to the flagship products of the dominant chipmaker.

For cloud providers that spend billions a year on AI hardware, the savings could be significant. Cobalt says the C7, with 192 GB of HBM4 memory and 4.8 petaflops of FP8 compute, produces 40 percent more tokens per dollar than competing systems on large-model inference.

Stratos Cloud, a rental provider of AI computing capacity, is the first named customer. Neither company disclosed the size of the order.

Investors have poured money into challengers like Cobalt, which has raised about $1.1 billion since 2021, but few have dented the leader's market share. Chief executive Daniel Reyes said the C7 avoids the software problems that hurt the first-generation C5 and supports the major frameworks out of the box.

The chip is made by TSMC on its 3-nanometre process, which means Cobalt competes for manufacturing capacity with much bigger customers. Reyes said the company had secured wafer supply for 2027 but declined to give unit forecasts.

Power consumption is about 1,000 watts per chip, in line with other high-end accelerators, which means data centres will need liquid cooling to run them at full density.

Shares in listed rivals were little changed in after-hours trading.

Analysts said the real test would come when independent benchmarks appear. Cobalt's claim of 40 percent more tokens per dollar depends on running large models that fill the chip's memory, and results on smaller models may be less favourable.""",
    },
    # ---------------- C3: Washington hiring rules; outlets disagree on the DATE (Mar 1 vs Apr 1 2027) ----------------
    {
        "outlet": "relay", "slug": "washington-finalises-ai-hiring-rules", "story": "washington-hiring-rules",
        "title": "Washington state finalises rules on AI tools used in hiring",
        "published": "2026-11-20T00:05:00Z", "author": "Relay Wire staff", "image": "policy",
        "caption": "The rules apply to employers with 50 or more workers in the state.",
        "section": "Policy",
        "body": """\
OLYMPIA, Wash., Nov 19 - Washington state regulators on Thursday adopted rules requiring employers that use artificial intelligence to screen job applicants to tell candidates, audit the tools for bias every year and offer a human review on request.

The state Human Rights Commission voted 4-1 to approve the rules, which take effect on March 1, 2027, and apply to employers with 50 or more workers in the state. Violations can draw fines of up to $10,000 each.

Under the rules, an employer that uses software to rank, filter or score candidates must disclose that before the assessment, explain in plain language what the tool evaluates, and let applicants ask for an alternative process, such as an interview with a person.

Employers must also commission an independent bias audit each year and publish a summary of the results, including selection rates broken down by sex and by race and ethnicity.

Business groups had lobbied for a longer lead time and for smaller employers to be exempted. The commission raised the threshold from 15 employees in its draft to 50 in the final text but kept the annual audit requirement.

Worker advocates called the rules a model for other states. "People deserve to know when a machine is deciding whether they get a callback," said a representative of a Seattle-based labour coalition that took part in public hearings.

Vendors of hiring software said most of their large customers already run audits to comply with a similar law in New York City, but that the notice requirements would need changes to application forms.""",
    },
    {
        "outlet": "gradient", "slug": "washington-ai-hiring-rules", "story": "washington-hiring-rules",
        "title": "Washington's AI hiring rules set a new bar for employers",
        "published": "2026-11-20T03:30:00Z", "author": "Alicia Moreno", "image": "policy",
        "caption": "Employers, not vendors, must commission the yearly audit.",
        "section": "Policy",
        "body": """\
Washington has become the latest state to regulate the use of AI in hiring, and its rules go further than most. The state's Human Rights Commission approved the final text on Thursday by four votes to one.

From March 1, 2027, any employer with at least 50 workers in Washington that uses automated tools to sort, score or reject applicants must tell them in advance, describe what the tool measures and, if asked, give them a route to a human decision-maker instead.

The most demanding part is the audit. Employers, not the vendors that sell them software, are responsible for commissioning an independent bias review every year and publishing a summary, including how often candidates of different sexes and racial groups make it through each stage.

Penalties reach $10,000 per violation, which, for a large employer screening thousands of applicants, could add up quickly.

The commission softened its draft in one important way: the first version covered employers with 15 or more staff. Small businesses argued that they could not afford audits, and the threshold was lifted to 50.

Lawyers who advise employers said companies hiring across several states now face a patchwork of obligations. Federal legislation on the subject has stalled in Congress, leaving states and cities to set their own standards.

For AI vendors, the practical effect is a new compliance feature to build: many are expected to offer audit reports and applicant notices as part of their products by the time the rules apply.

The vote was not unanimous. The dissenting commissioner warned that the cost of audits could lead some employers to drop automated tools altogether and return to informal screening, which is harder for anyone to check for bias.""",
    },
    {
        "outlet": "inferencedaily", "slug": "washington-ai-hiring-audits", "story": "washington-hiring-rules",
        "title": "Washington adopts AI hiring audit rules, effective April 2027",
        "published": "2026-11-20T05:10:00Z", "author": "Hana Kimura", "image": "policy",
        "caption": "Hiring-software vendors plan compliance dashboards for early 2027.",
        "section": "Policy",
        "body": """\
Employers that use AI tools to screen job candidates in Washington state will have to audit them for bias every year under rules finalised on Thursday by the state's Human Rights Commission. The requirements take effect on April 1, 2027.

The rules cover employers with 50 or more employees in the state and any software that ranks, filters or scores applicants, including chatbots that conduct initial interviews and tools that analyse video recordings. Employers must notify candidates before such a tool is used and offer an alternative assessment by a person on request.

Audits must be carried out by an independent party and a summary published, showing selection rates by sex and by race and ethnicity. Fines of up to $10,000 per violation apply.

The commission approved the text 4-1. An earlier draft would have applied to employers with only 15 staff; the final version raised the threshold after objections from small-business groups. The lone dissenting commissioner argued that the audit requirement would push employers back toward informal screening that is harder to check.

For developers building hiring products, the rules mean logging enough information to reconstruct how a candidate was scored and exposing it to auditors. Several vendors said they would ship compliance dashboards in the first quarter of next year.

Washington joins New York City, which has required bias audits of hiring tools since 2023, and a handful of states considering similar measures.

Legal advisers recommended that employers start inventorying their hiring tools now. Many companies do not know which parts of their applicant-tracking systems use machine learning, and vendors' contracts rarely give employers the data an auditor would need.""",
    },
    # ---------------- D: hard negatives, two Series B rounds on the same day ----------------
    {
        "outlet": "byteledger", "slug": "quillmark-60m-series-b", "story": "quillmark-series-b",
        "title": "Quillmark raises $60 million Series B for AI contract drafting",
        "published": "2026-11-20T05:00:00Z", "author": "Oliver Nash", "image": "model",
        "caption": "Quillmark's software works inside the word processors lawyers already use.",
        "section": "Funding",
        "body": """\
Quillmark, a London start-up that makes AI software for drafting and negotiating commercial contracts, said on Friday it had raised $60 million in a Series B funding round led by Northwind Ventures.

Existing backers Amberline Capital and Fenwick Road Partners joined the round, bringing Quillmark's total funding to $82 million. The company declined to disclose its valuation.

Quillmark's product sits inside the word processors lawyers already use. It proposes clauses based on a company's own past agreements, flags terms that deviate from its negotiating playbook and drafts responses to the other side's changes. Chief executive Priya Raman, a former corporate lawyer, said customers use it mostly for routine agreements such as supplier contracts and non-disclosure agreements, which can make up the bulk of a legal team's workload.

The company says it has about 220 corporate customers, including three of the ten largest UK retailers, and that annual recurring revenue tripled over the past year. It employs 140 people.

The new money will pay for an office in New York and for hiring engineers to extend the product to procurement and sales teams, who negotiate many contracts without a lawyer involved.

Legal technology has been one of the busiest areas for AI investment, as law firms and corporate legal departments look for ways to cut the hours spent on repetitive drafting. Northwind partner Oliver Brandt, who joins Quillmark's board, said the company stood out because its customers "use it every day, not just in a pilot.\"

Quillmark is one of several European legal-technology companies to raise money this autumn. Raman said the company had turned down offers at a higher price from investors who wanted it to move its headquarters to the United States.""",
    },
    {
        "outlet": "relay", "slug": "quillmark-series-b", "story": "quillmark-series-b",
        "title": "London legal-AI firm Quillmark secures $60 mln in Series B",
        "published": "2026-11-20T05:20:00Z", "author": "Relay Wire staff", "image": "model",
        "caption": "Quillmark was founded in 2022.",
        "section": "Business",
        "body": """\
LONDON, Nov 20 - Quillmark, a British developer of artificial intelligence tools for contract drafting, said on Friday it had raised $60 million in a Series B round led by U.S. venture firm Northwind Ventures.

The round also included existing investors Amberline Capital and Fenwick Road Partners. The company, founded in 2022, did not give a valuation.

Quillmark sells software that suggests contract language, compares incoming drafts against a company's standard positions and prepares counter-proposals. Chief executive Priya Raman said the company had about 220 corporate customers and 140 employees.

Raman said the funds would be used to open a New York office early next year and to expand into procurement teams. The company said annual recurring revenue had roughly tripled over the past twelve months, without giving an absolute figure, and that it planned to grow its headcount to about 200 by the end of 2027.

"Most contracts are signed without a lawyer ever reading them closely. We want those to be as well negotiated as the ones that do," she said in a statement.

Investment in legal AI has risen sharply this year as large language models improved at reading and writing long documents. Quillmark competes with several U.S. start-ups and with features added by established legal publishers.

Northwind partner Oliver Brandt will join Quillmark's board as part of the deal.

Quillmark says its software is used mostly for routine agreements, such as supplier contracts and non-disclosure agreements, rather than complex deals. Customers include large British retailers and logistics groups, the company said, without naming them.""",
    },
    {
        "outlet": "byteledger", "slug": "tessellate-85m-series-b", "story": "tessellate-series-b",
        "title": "Tessellate raises $85 million Series B to monitor AI agents at work",
        "published": "2026-11-20T05:30:00Z", "author": "Oliver Nash", "image": "model",
        "caption": "Tessellate records every model call and tool action an agent makes.",
        "section": "Funding",
        "body": """\
Tessellate, a San Francisco start-up that helps companies see what their AI agents are doing, said on Friday it had raised $85 million in a Series B round led by Harbor Peak Capital.

Previous investors Longshore Ventures and Quarry Fund also took part. The company, founded in 2024, has now raised $112 million in total and did not disclose a valuation.

As businesses hand more multi-step tasks to AI agents, such as processing refunds, updating records or writing and running code, they need a way to record each decision an agent takes, catch mistakes and prove to auditors what happened. Tessellate's software captures every model call and tool action, replays failed runs and alerts engineers when an agent starts behaving differently from its usual pattern.

Co-founder and chief executive Marcus Lindqvist said the company has more than 300 paying customers, up from about 40 a year ago, and 90 employees. "A year ago people asked whether agents would work. Now they ask how to know when they have gone wrong," he said.

The funding will be used to build tools for compliance teams and to open an office in London.

Monitoring for AI applications has become a crowded field, with cloud providers and established observability companies adding similar features. Harbor Peak partner Dana Whitfield, who joins the board, said Tessellate had won customers because it was built specifically for agents rather than adapted from older monitoring products.

Tessellate sells its product on a subscription priced by the number of agent runs recorded. Lindqvist said most customers start with a single team and expand once compliance departments see the audit trail, which is why the company is building features for them first.""",
    },
    {
        "outlet": "tensortimes", "slug": "tessellate-series-b", "story": "tessellate-series-b",
        "title": "AI agent monitoring start-up Tessellate lands $85M Series B",
        "published": "2026-11-20T05:45:00Z", "author": "Marcus Bell", "image": "model",
        "caption": "Tessellate can pause an agent until a human reviews it.",
        "section": "Startups",
        "body": """\
Tessellate has raised $85 million in Series B funding led by Harbor Peak Capital, the San Francisco company announced on Friday, as demand grows for tools that track what autonomous AI agents do inside corporate systems.

Longshore Ventures and Quarry Fund, which backed earlier rounds, participated again. Total funding now stands at $112 million.

Tessellate's platform logs each step an agent takes, from the prompts it sends to the APIs it calls, and lets engineers replay a failed run to find where it went wrong. It also flags unusual behaviour, for instance an agent that suddenly starts issuing far more refunds than normal, and can pause the agent until a human reviews it.

Chief executive Marcus Lindqvist, who previously led infrastructure teams at a large payments company, said Tessellate now has more than 300 customers, including banks and airlines, and 90 staff.

"Every company deploying agents is discovering that logs built for web servers do not explain why a model made a decision," Lindqvist said.

The company plans to use the new capital to expand its compliance features, including reports designed to meet audit requirements in Europe, and to open a London office.

Investors have backed several start-ups in the same space this year, betting that agent oversight will become a standard line in corporate IT budgets as more work moves from chat assistants to systems that act on their own.

Harbor Peak's Dana Whitfield will join Tessellate's board.

The start-up was founded in 2024 by Lindqvist and two engineers who had built internal monitoring tools for machine-learning systems. Most of its customers run agents built on several different model providers, which Tessellate says makes a neutral monitoring layer valuable.""",
    },
    # ---------------- D: hard negatives, two small open-model releases on the same day ----------------
    {
        "outlet": "openweights", "slug": "kestrel-2-mini-release", "story": "kestrel-2-mini",
        "title": "Kestrel AI releases Kestrel 2 Mini, an 8B open model built for phones",
        "published": "2026-11-20T06:00:00Z", "author": "Ines Castellano", "image": "model",
        "caption": "Kestrel 2 Mini needs about 5 GB of memory at 4-bit precision.",
        "section": "Releases",
        "body": """\
Paris-based Kestrel AI on Friday released Kestrel 2 Mini, an 8-billion-parameter language model with open weights that is designed to run on smartphones and laptops without a network connection.

The model is released under the Apache 2.0 licence. It supports a 128,000-token context window and 24 languages, with particular attention to European languages that are often poorly served by small models.

Kestrel says the model runs at around 20 tokens per second on a recent high-end phone when quantised to 4 bits, using about 5 GB of memory. It ships with official builds for the popular on-device runtimes on Android, iOS and desktop.

On the company's own evaluations, Kestrel 2 Mini outperforms the original 14-billion-parameter Kestrel 2 on reasoning and instruction following, which the company credits to distillation from a larger internal model and a cleaner multilingual training set of 15 trillion tokens.

Small models have become a battleground this year as phone makers look for assistants that work offline and keep personal data on the device. Kestrel's co-founder and chief scientist, Camille Durand, said the company wanted "a model you can actually ship inside an app, not just demo on a workstation."

The release includes a 20-page technical report and the model's chat template and tokenizer, though not the training data. Kestrel has released four open models since it was founded in 2024.

Early testers on community forums reported that the model's French, German and Spanish output was noticeably more natural than that of other small models, while its coding ability lagged behind models built specifically for programming.""",
    },
    {
        "outlet": "gradient", "slug": "kestrel-2-mini", "story": "kestrel-2-mini",
        "title": "Kestrel's new 8B model wants to live on your phone",
        "published": "2026-11-20T06:10:00Z", "author": "Alicia Moreno", "image": "model",
        "caption": "Kestrel AI is based in Paris.",
        "section": "Models",
        "body": """\
Kestrel AI has a new small model, and it is meant to leave the data centre entirely. Kestrel 2 Mini, released on Friday, has 8 billion parameters and is tuned to run on phones and laptops, where it can answer questions, summarise documents and translate without sending anything to a server.

The French company released the weights under Apache 2.0, so app developers can bundle the model in commercial products. It handles 24 languages and a context window of 128,000 tokens, long enough for a lengthy contract or a day's worth of email.

Performance on a phone is the selling point. With 4-bit quantisation the model needs about 5 GB of memory and produces roughly 20 tokens per second on current flagship handsets, Kestrel says. That is fast enough for a conversation, if not for long documents.

Camille Durand, Kestrel's chief scientist, said the team distilled the model from a much larger system and spent most of its effort on data quality across languages. According to the company, Kestrel 2 Mini beats its own 14-billion-parameter predecessor on most tests.

The timing is no accident. Phone makers are preparing next year's devices, and several are looking for models they can license or run freely. Kestrel, which has raised money from European investors and sells a hosted version of its larger models to businesses, hopes small open releases will bring developers to its paid products.

There are limits. Kestrel says the model is not designed for complex coding or maths, and its answers on specialist topics are less reliable than those of larger models. The company recommends pairing it with a larger hosted model for hard questions, sending only those to the cloud.""",
    },
    {
        "outlet": "openweights", "slug": "fathom-s-release", "story": "fathom-s-7b",
        "title": "Fathom Labs open-sources Fathom-S, a 7B model tuned for code and maths",
        "published": "2026-11-20T06:15:00Z", "author": "Ruben Achterberg", "image": "model",
        "caption": "Fathom-S was trained partly on self-generated, automatically checked solutions.",
        "section": "Releases",
        "body": """\
Toronto's Fathom Labs on Friday released Fathom-S, a 7-billion-parameter open-weights model that the company says matches much larger models on programming and mathematics problems.

The weights are available under the MIT licence, one of the least restrictive options for commercial use. The model has a context window of 32,000 tokens and was trained mainly on English text, source code and mathematical material; Fathom says it made no attempt to cover other languages.

The interesting part is how it was trained. Fathom says about half of the model's post-training data was generated by letting earlier versions of the model attempt problems and keeping only solutions that passed automated checks, such as unit tests and proof verifiers. This "verified self-play" approach is described in an accompanying 30-page paper.

According to Fathom's figures, the model solves 61 percent of the problems on a competition-style maths test, a result previously seen only from models several times its size. It is designed to run on laptops: at 4-bit precision it fits in about 4.5 GB of memory.

Fathom was founded in 2023 by researchers from Canadian universities and is backed by a mix of government research grants and venture funding. Chief executive Amir Haddad said the team would publish the scripts used to generate its training data in the coming weeks so others could reproduce the results.

The model is available on the major model hubs, with support in common local runtimes.

Independent testers will want to check the maths result, since small models sometimes score well on public tests whose problems leaked into training data. Fathom says it removed known benchmark problems from its training set and lists the filters it used in the paper.""",
    },
    {
        "outlet": "inferencedaily", "slug": "fathom-s-7b", "story": "fathom-s-7b",
        "title": "Fathom-S 7B: a small open model for coding on a laptop",
        "published": "2026-11-20T06:25:00Z", "author": "Hana Kimura", "image": "model",
        "caption": "At 4-bit precision Fathom-S fits in about 4.5 GB.",
        "section": "Open models",
        "body": """\
Fathom Labs has released Fathom-S, a 7B-parameter model with open weights under the MIT licence, aimed at developers who want a capable coding and maths assistant running locally.

The specs: 7 billion parameters, a 32K-token context window, English and code only, and a memory footprint of about 4.5 GB when quantised to 4 bits, which makes it usable on most recent laptops.

Fathom, based in Toronto, trained the model with what it calls verified self-play: earlier checkpoints generated solutions to programming and maths problems, and only answers that passed unit tests or formal checks were fed back as training data. The company claims this lets Fathom-S reach 61 percent on a competition maths benchmark and strong results on coding tests usually dominated by much larger models.

The limits are clear. The 32K context is short by current standards, so the model is not suited to analysing large codebases in one go, and it performs poorly in languages other than English. Fathom positions it as an assistant for focused tasks: writing functions, explaining errors, solving well-defined problems.

For developers the MIT licence matters: it allows the weights to be embedded in commercial tools with nothing more than a copyright notice, which is simpler than the custom licences attached to some larger open models.

Chief executive Amir Haddad said the team would release its data-generation pipeline in the coming weeks. Fathom-S is available from public model hubs and works with the main local inference tools on release day.

Fathom recommends running the model with a low sampling temperature for coding tasks and publishes a recommended system prompt for use inside code editors.""",
    },
    # ---------------- E: single-outlet stories ----------------
    {
        "outlet": "labnotes", "slug": "length-bias-llm-judges", "story": "length-bias-paper",
        "title": "Longer answers win: study measures length bias in AI judges",
        "published": "2026-11-20T03:40:00Z", "author": "Dr. Elif Aydin", "image": "model",
        "caption": "Judge models preferred the padded answer 64 percent of the time.",
        "section": "Papers",
        "body": """\
When one language model is asked to grade another's answers, it tends to prefer the longer one, even when the extra words add nothing. A new preprint from researchers at the University of Northbridge puts a number on that tendency and proposes a simple fix.

The team built 4,000 pairs of answers to the same questions in which both answers contained the same facts but differed in length, one padded with restatements and polite filler. Six widely used judge models were asked which answer was better. On average they picked the longer answer 64 percent of the time; an unbiased judge would be expected to split close to 50-50.

The effect was strongest for open-ended questions such as advice and explanations and weakest for maths, where answers could be checked. Larger judge models were only slightly less biased than smaller ones.

The authors propose what they call length-matched scoring: before comparing two answers, the judge is shown versions of both trimmed to the same length by a separate summarisation step, and asked to compare content only. With that change the preference for the longer answer fell to 52 percent, while agreement with human raters on a separate test set rose by four points.

The findings matter because automatic judging has become the standard way to evaluate chatbots and to produce training signals for them. A judge that rewards verbosity pushes models to become more verbose, a drift many users have complained about.

The paper, code and the 4,000-pair dataset have been released publicly. The authors note that their method adds cost, since every comparison requires two extra summarisation calls, and that the trimming step itself could drop relevant details.""",
    },
    {
        "outlet": "relay", "slug": "singapore-ai-content-labels", "story": "singapore-ai-labels",
        "title": "Singapore seeks views on labels for AI-generated content",
        "published": "2026-11-20T04:30:00Z", "author": "Relay Wire staff", "image": "policy",
        "caption": "The consultation closes on January 15, 2027.",
        "section": "Policy",
        "body": """\
SINGAPORE, Nov 20 - Singapore's media and technology regulator on Friday opened a public consultation on requiring online platforms to label images, video and audio generated by artificial intelligence, as governments look for ways to limit deceptive synthetic media.

The proposals would require large platforms to display a visible label on AI-generated content when the material carries provenance metadata, and to keep that metadata intact when files are uploaded rather than stripping it, as many services do today.

Developers of image and video generation tools offered in Singapore would have to attach machine-readable provenance information to their output, following open technical standards already backed by several camera makers and software companies.

The regulator said the rules would not require platforms to detect unlabelled AI content, which it described as technically unreliable, but would expect them to act on user reports of deceptive material involving elections or financial scams.

The consultation closes on January 15, 2027. The government said it aimed to finalise the rules in the second half of 2027 after discussions with industry.

Singapore has generally preferred voluntary frameworks and testing tools for AI over binding regulation. Officials said the labelling proposal was a response to a rise in scams using synthetic video of public figures, which police say cost victims in the city-state more than S$30 million this year.

Technology industry groups said they supported common standards but warned that labelling requirements that vary from country to country would be costly to implement.

Platforms would have six months after the final rules are published to comply, according to the consultation paper, and smaller services below a user threshold would be exempt from the labelling duty.""",
    },
    {
        "outlet": "labnotes", "slug": "tracewell-1-0", "story": "tracewell-release",
        "title": "tracewell 1.0: seeing where the memory goes in LLM inference",
        "published": "2026-11-20T05:55:00Z", "author": "Jonas Feld", "image": "chip",
        "caption": "tracewell draws each request as a band on a memory timeline.",
        "section": "Tools",
        "body": """\
Anyone who has served a language model in production knows the moment when a GPU runs out of memory under load and it is not obvious why. tracewell, an open-source profiler that reached version 1.0 this week, tries to answer that question.

The tool attaches to a running inference server and records, for each request, how much accelerator memory goes to model weights, to the key-value cache that stores attention state, to activations and to fragmentation, meaning memory that is reserved but unusable. It produces a timeline in the browser where each request is a coloured band, so it is easy to see which long prompt or burst of traffic pushed the server over the edge.

Version 1.0 adds support for the two most widely used open-source serving engines, plus a mode that estimates how many concurrent requests a given model and context length can sustain before the cache is exhausted. The maintainers say the overhead is below 3 percent of throughput in their tests.

tracewell was started last year by Jonas Feld, an infrastructure engineer, as a side project after spending a week chasing a memory leak that turned out to be a misconfigured cache. It now has around 40 contributors and is released under the Apache 2.0 licence.

For teams running their own models, the capacity estimator may be the most useful feature: it replaces guesswork about batch sizes with a measured answer. The project's documentation includes worked examples for models between 7 and 70 billion parameters.

Next on the roadmap are support for multi-node deployments, where the key-value cache is spread across machines, and an export format that lets memory timelines be attached to bug reports.""",
    },
    {
        "outlet": "openweights", "slug": "polyglot-code-2-dataset", "story": "polyglot-code-dataset",
        "title": "Polyglot-Code 2 dataset offers 1.2 trillion tokens of permissively licensed code",
        "published": "2026-11-20T03:20:00Z", "author": "Ruben Achterberg", "image": "model",
        "caption": "Every file in the dataset carries its licence and repository of origin.",
        "section": "Datasets",
        "body": """\
The Commons Compute Collective, a non-profit group of researchers and engineers, has published Polyglot-Code 2, a dataset of 1.2 trillion tokens of source code drawn only from repositories under permissive licences.

The dataset covers 90 programming languages and includes commit messages, issue discussions and notebooks in addition to source files. Each file carries its licence and repository of origin, and the collective says it honoured opt-out requests from more than 4,000 developers who asked for their code to be excluded.

Code datasets have become a sensitive subject. Several lawsuits have argued that training on public code without regard to licence terms infringes copyright, and companies that want to train their own coding models increasingly ask for provenance they can show to lawyers. Polyglot-Code 2 is designed to meet that demand: the collective removed files under copyleft licences as well as anything without a clear licence.

The group also ran automated filters for secrets, such as API keys and passwords, and for personal data, and it published the filtering code so others can check it.

According to the release notes, a 3-billion-parameter model trained on the new dataset outperformed the same model trained on the first version by nine points on a standard code-completion benchmark, mostly because of better deduplication.

The dataset is available for download under terms that require users to respect future opt-out requests.

The collective says it spent about a year building the dataset with volunteer labour and donated computing time. It plans to update it twice a year and to publish a list of every repository removed at the request of its authors, so model builders can apply the same removals to their copies.""",
    },
    # ---------------- F: off-topic sponsored post, dropped by the demo's exclude rule ----------------
    {
        "outlet": "tensortimes", "slug": "sponsored-nimbusgpu-inference-costs", "story": "sponsored-nimbusgpu",
        "title": "Sponsored: How NimbusGPU helped one team cut its inference bill by 40%",
        "published": "2026-11-20T04:00:00Z", "author": "Partner content", "image": "chip",
        "caption": "Image courtesy of NimbusGPU.",
        "section": "Partner content",
        "summary": "Paid content from our partner NimbusGPU: a customer-support software company explains how serverless GPUs cut its costs.",
        "body": """\
This article is paid content produced by our partner NimbusGPU. The Tensor Times newsroom was not involved in its creation.

When the engineering team at a mid-sized customer-support software company looked at its monthly cloud bill last spring, one line stood out: serving its AI assistant cost more than the rest of its infrastructure combined.

The team moved its workloads to NimbusGPU's serverless inference platform, which scales the number of accelerators up and down with traffic and bills by the second. Within two months, the company says, its inference costs fell by 40 percent while response times stayed the same.

"We were paying for idle GPUs at three in the morning," the company's head of platform said. "Now we pay for what our customers actually use."

NimbusGPU's platform supports popular open-weight models out of the box and lets teams bring their own fine-tuned models. Features include automatic batching, a cache for repeated prompts and dashboards that show the cost of every conversation.

For teams evaluating their options, NimbusGPU recommends starting with three questions: how spiky is your traffic, how much of it repeats, and how much latency can your users tolerate? The answers determine whether dedicated or serverless capacity makes more sense.

NimbusGPU is offering Tensor Times readers $500 in free credits until the end of December. Visit the NimbusGPU website to learn more and claim your credits.

Pricing starts at a per-second rate for each accelerator type, with volume discounts for committed use. There are no minimum commitments on the serverless plan, and teams can move workloads to dedicated capacity at any time without changing their code.""",
    },
    # ---------------- G: old items (2026-11-18), outside a 36-hour window on the demo morning ----------------
    {
        "outlet": "tensortimes", "slug": "vantage-humanoid-warehouse-pilot", "story": "old-vantage-humanoid",
        "title": "Vantage Robotics says humanoid robots handled 30% of picks in warehouse pilot",
        "published": "2026-11-18T09:30:00Z", "author": "Nadia Ferreira", "image": "chip",
        "caption": "Vantage deployed 24 of its V2 robots on night shifts.",
        "section": "Robotics",
        "body": """\
Vantage Robotics said on Wednesday that its humanoid robots handled about 30 percent of item picking at a logistics warehouse in Ohio during a three-month pilot, one of the first public accounts of humanoids doing sustained work alongside people.

The Boston-based company deployed 24 of its V2 robots on night shifts at a distribution centre run by a regional grocery wholesaler. The robots picked items from shelves into totes, working from a list generated by the warehouse's management system, and handed off anything they could not grasp to human staff.

Vantage said the robots averaged 210 picks per hour, roughly two-thirds of an experienced human worker's rate, and required a human intervention about once every 90 minutes, usually for dropped items or packaging they had not seen before.

The robots' vision and grasping are controlled by a model trained on a mix of teleoperation data and simulation, which the company updated twice during the pilot. Chief executive Hannah Cole said the error rate fell by a third after the second update.

The wholesaler has agreed to extend the pilot to a second site next year, Vantage said, without giving financial terms.

Humanoid robot makers have attracted large investments on the promise that general-purpose robots could fill labour shortages in warehouses and factories, but few have published performance data from real deployments. Independent experts cautioned that a single pilot says little about costs, which remain far above those of conventional warehouse automation.

Vantage has raised more than $600 million from investors and plans to build 1,000 robots next year at a factory near Boston, Cole said. The company leases its robots to customers for a monthly fee rather than selling them outright.""",
    },
    {
        "outlet": "labnotes", "slug": "efficient-attention-workshop", "story": "old-attention-workshop",
        "title": "Notes from the autumn workshop on efficient attention",
        "published": "2026-11-18T16:00:00Z", "author": "Dr. Elif Aydin", "image": "chip",
        "caption": "About 150 researchers attended the two-day workshop in Zurich.",
        "section": "Events",
        "body": """\
Around 150 researchers gathered in Zurich last week for a two-day workshop on making attention, the core operation of transformer models, cheaper to compute. Here are the threads that came up again and again.

Hybrid models are the default now. Almost every new architecture presented mixed a small number of full attention layers with cheaper layers such as state-space or linear-attention blocks. The debate has moved from whether to mix them to how many full-attention layers are needed; most speakers landed on one in every four to eight.

Long context is an inference problem. Several talks argued that training with long sequences is now routine, but serving them is not: the key-value cache for a million-token prompt can exceed the size of the model weights. Compression of the cache, by storing it at lower precision or discarding entries that receive little attention, drew the most questions.

Benchmarks lag behind. Participants agreed that popular long-context tests, which hide a fact in a long document and ask the model to retrieve it, are nearly saturated and say little about reasoning across a long input. Two groups presented new test suites that require combining information from many places in a document.

Hardware matters more than ever. A recurring point was that algorithmic savings only show up in practice when someone writes efficient kernels for them, and that many promising ideas from the past two years never got that far.

Slides from most talks are available on the workshop website, and recordings will be posted next month.""",
    },
]

# Figures the outlets disagree on (the gold for disagreement flags); every other figure agrees.
DISAGREEMENTS = {
    "sable-moe-release": {
        "figure": "active parameters per token",
        "values": {"openweights": "32 billion", "inferencedaily": "32 billion", "gradient": "35 billion"},
        "agreed": ["480 billion total parameters", "256,000-token context", "22 trillion training tokens", "Apache 2.0", "160 experts, 8 active"],
    },
    "cobalt-c7": {
        "figure": "price per chip",
        "values": {"silicongazette": "$28,000", "byteledger": "$28,000", "tensortimes": "$30,000"},
        "agreed": ["192 GB HBM4", "TSMC 3-nanometre", "4.8 petaflops FP8", "about 1,000 W", "second quarter of 2027", "Stratos Cloud first customer"],
    },
    "washington-hiring-rules": {
        "figure": "effective date",
        "values": {"relay": "March 1, 2027", "gradient": "March 1, 2027", "inferencedaily": "April 1, 2027"},
        "agreed": ["employers with 50 or more workers", "fines up to $10,000 per violation", "vote 4-1", "annual independent bias audit"],
    },
}
