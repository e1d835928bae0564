"""Small talk: greetings, thanks, "what can you do", "who made you" and goodbyes, in English, Russian and Kazakh.

A message is small talk only when, once its small-talk phrases are taken away, nothing of a
question is left ("hello there", "Привет!", "рахмет"). "Hi, when was Trotsky rehabilitated?" is a
question that opens with a greeting: `strip_greeting` gives the question, which is answered as any
other. The reply is one of our fixed messages (`messages.py`), never a retrieval.
"""

from __future__ import annotations

import re

# (what the visitor is doing, phrases in en / ru / kk); matched as whole words, case-insensitively.
_PHRASES = {
    "creator": r"who (?:made|created|built|developed|wrote|programmed|designed) (?:you|this)|who is your (?:creator|maker|author)"
    r"|кто (?:тебя|вас) (?:создал|сделал|написал|разработал)|кто твой (?:создатель|автор)"
    r"|сені кім (?:жасады|жасаған|құрды)|сізді кім (?:жасады|жасаған|құрды)|сенің авторың кім|сіздің авторыңыз кім",
    "about": r"what (?:can|do|could) you (?:do|help with|answer)|how can you help(?: me)?|what are you(?: for)?|who are you"
    r"|what is this(?: (?:app|site|thing|page))?|are you (?:a )?(?:bot|robot|human|real|ai)|help|what do you know"
    r"|что (?:ты|вы) (?:умеешь|умеете|можешь|можете|знаешь|знаете)|кто (?:ты|вы)(?: такой| такая| такие)?|чем (?:ты|вы) (?:можешь|можете) помочь|помощь|помоги(?:те)?"
    r"|сен не істей аласың|сіз не істей аласыз|не істей аласыз|не істей аласың|сен кімсің|сіз кімсіз|кімсің|кімсіз|көмек",
    "thanks": r"thank(?:s| you)(?: (?:so|very) much)?(?: a lot)?|thx|ty|cheers|much appreciated|great|cool|nice|ok(?:ay)?"
    r"|спасибо(?: большое)?|благодарю|большое спасибо|отлично|понятно|хорошо"
    r"|рахмет|рақмет|көп рахмет|көп рақмет|жақсы|түсінікті",
    "goodbye": r"(?:good)?bye(?: bye)?|see you(?: later)?|farewell|good night|take care"
    r"|пока|до свидания|до встречи|всего доброго|прощай(?:те)?"
    r"|сау бол(?:ыңыз)?|қош бол(?:ыңыз)?|көріскенше|сау болыңыз|хош",
    "greeting": r"h(?:i|ello|ey|owdy)(?: there)?|hiya|greetings|good (?:morning|afternoon|evening|day)|how are you(?: doing)?|what'?s up|yo"
    r"|привет(?:ствую)?|здравствуй(?:те)?|добрый (?:день|вечер)|доброе утро|как (?:дела|ты|вы)|салют"
    r"|с[әа]лем(?:етсіз бе|етсиз бе|етсің бе)?|сәлеметсіз бе|ассалаумағалейкүм|қайырлы (?:күн|таң|кеш)|қалың қалай|қалайсыз|амансыз ба",
}
_FILLER = r"(?:[\s,.!?;:)(…'\"«»*_~`#-]|\b(?:there|again|so|very|much|a lot|assistant|bot|friend|everyone|all|please|and|ну|и|а|же|ещё|еще|бот|және|ал)\b)*"
_PATTERNS = {kind: re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.I) for kind, words in _PHRASES.items()}
_GREETING_OPENING = re.compile(rf"^\s*(?:{_PHRASES['greeting']})(?!\w)[\s,.!;:—–-]*", re.I)
_LEFTOVER = re.compile(rf"^{_FILLER}$", re.I)
MAX_SMALLTALK_CHARS = 80  # a longer message is a question (or a greeting before one), never small talk


def smalltalk_kind(text: str) -> str | None:
    """ "greeting", "thanks", "about", "creator" or "goodbye" when the whole message is small talk, else None."""
    if not text or len(text) > MAX_SMALLTALK_CHARS:
        return None
    found = None
    rest = text
    for kind, pattern in _PATTERNS.items():  # creator and about before the greeting inside them ("who are you")
        if pattern.search(rest):
            found = found or kind
            rest = pattern.sub(" ", rest)
    if found is None or not _LEFTOVER.match(rest):
        return None
    return found


def strip_greeting(text: str) -> str:
    """A question without the greeting it opens with ("Hi, who was Snegov?" -> "who was Snegov?")."""
    m = _GREETING_OPENING.match(text)
    rest = text[m.end() :].strip() if m else ""
    return rest if re.search(r"[^\W\d_]{2}", rest) else text
