// The page's behaviour in the browser, installed once when it loads (page.py passes C, its settings and strings).
// - the page's language: <html lang>, the tab's title, its description and Gradio's own chat buttons labelled in it;
// - access: the chat is not a live region of its own (#announce says each finished answer once), the reader's
//   header says whether it is open, earlier answers take the keyboard (Enter shows their sources), Escape
//   closes the reader, and opening a document moves focus and view to it;
// - each new answer is shown from its start (the visitor's question at the top of the chat);
// - on a kiosk, the idle watch: any touch, pointer, key or scroll is use; after idle - warn seconds without
//   use a countdown shows, a touch dismisses it, and at zero the hidden #idle-reset button starts a new visit;
// - reading answers aloud (#listen): Listen plays the answer on show or stops it, "read every answer aloud" plays
//   each new one; a new question, a fresh start and the idle reset stop it; aria-pressed and #listen-status say so.
(C) => {
  const reduced = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const $ = (s) => document.querySelector(s);
  const lang = () => window.__pageLanguage || C.language;
  // the kiosk's screen-sized layout (kiosk.css, its class set by screen.js), where the page itself never scrolls
  const fixed = () => C.kiosk && window.matchMedia('(min-width: 1000px) and (min-height: 1000px)').matches;

  const fixups = () => {
    const labels = C.labels[lang()] || C.labels.en;
    document.querySelectorAll('#chat button').forEach((b) => {
      for (const name of ['aria-label', 'title']) {
        const key = C.known[b.getAttribute(name)];
        if (key && b.getAttribute(name) !== labels[key]) b.setAttribute(name, labels[key]);
        if (key === 'gr_clear' && !b.hidden) b.hidden = true;  // one tap would erase the chat: "start again" asks first
      }
    });
    const log = $('#chat [role="log"]');
    if (log && log.getAttribute('aria-live') !== 'off') log.setAttribute('aria-live', 'off');
    if (log && log.getAttribute('aria-label') !== C.chatLabels[lang()]) log.setAttribute('aria-label', C.chatLabels[lang()]);
    const live = $('#announce .html-container');  // inside the block: Gradio's progress text sits beside it
    if (live && live.getAttribute('aria-live') !== 'polite') { live.setAttribute('role', 'status'); live.setAttribute('aria-live', 'polite'); }
    const header = $('#reader > button.label-wrap');
    const content = $('#reader > [data-testid="accordion-content"]');
    if (header && content) {
      if (!content.id) content.id = 'reader-content';
      const open = String(header.classList.contains('open'));
      if (header.getAttribute('aria-expanded') !== open) header.setAttribute('aria-expanded', open);
      if (header.getAttribute('aria-controls') !== content.id) header.setAttribute('aria-controls', content.id);
    }
    const sources = $('#sources');
    const title = sources && sources.querySelector('h2');
    if (title) {
      if (!title.id) title.id = 'sources-title';
      if (sources.getAttribute('role') !== 'region') sources.setAttribute('role', 'region');
      if (sources.getAttribute('aria-labelledby') !== title.id) sources.setAttribute('aria-labelledby', title.id);
      if (title.getAttribute('tabindex') !== '-1') title.setAttribute('tabindex', '-1');
    }
    document.querySelectorAll('#chat [data-testid="bot"]').forEach((m) => {
      if (m.getAttribute('tabindex') !== '0') m.setAttribute('tabindex', '0');
    });
    // Each message an article named in the page's language (Gradio names a bare div "bot's message: ...",
    // a name ARIA does not allow on a div, in English).
    const names = C.messageLabels[lang()] || C.messageLabels.en;
    document.querySelectorAll('#chat [data-testid="bot"], #chat [data-testid="user"]').forEach((m) => {
      const name = names[m.dataset.testid];
      if (m.getAttribute('role') !== 'article') m.setAttribute('role', 'article');
      if (m.getAttribute('aria-label') !== name) m.setAttribute('aria-label', name);
    });
    // The language switch's group: Gradio's fieldset has no legend, so it gets one from its hidden label.
    const switcher = $('#language');
    if (switcher && !switcher.querySelector(':scope > legend')) {
      const label = switcher.querySelector('[data-testid="block-info"]');
      const legend = document.createElement('legend');
      legend.className = 'visually-hidden';
      legend.textContent = label ? label.textContent.trim() : 'Тіл · Язык · Language';
      if (label) label.setAttribute('aria-hidden', 'true');  // said once, by the legend
      switcher.prepend(legend);
    }
  };

  // Reading aloud: one player for the page. Its audio is made on the server (/speech/<key>.mp3).
  const speech = {
    audio: null,
    key: null,  // the answer playing (its audio's key), or null
    on: !!C.readAloud,  // "read every answer aloud"
    armed: -1,  // the number of answers when a question was asked with reading on: the next one is read
    say(name) {
      let s = $('#listen-status');
      if (!s) {
        s = document.createElement('div');
        s.id = 'listen-status';
        s.className = 'visually-hidden';
        s.setAttribute('role', 'status');
        ($('main') || document.body).appendChild(s);
      }
      const S = C.listenStrings[lang()] || C.listenStrings.en;
      s.setAttribute('lang', lang());
      s.textContent = name ? S[name] : '';
    },
    play(key) {
      this.stop(false);
      if (!this.audio) {
        this.audio = new Audio();
        this.audio.preload = 'auto';
        this.audio.addEventListener('ended', () => { this.key = null; this.paint(); this.say('listen_ended'); });
        this.audio.addEventListener('error', () => { if (this.key) { this.key = null; this.paint(); this.say('listen_failed'); } });
        window.__speechAudio = this.audio;  // for the browser tests
      }
      this.key = key;
      this.audio.src = new URL(`speech/${key}.mp3`, document.baseURI).href;
      this.paint();
      this.say('listen_playing');
      this.audio.play().catch((e) => { if (this.key === key && e.name !== 'AbortError') { this.key = null; this.paint(); this.say('listen_failed'); } });
    },
    stop(say = true) {
      if (!this.key) return;
      this.key = null;
      this.audio.pause();
      this.audio.removeAttribute('src');
      this.audio.load();
      this.paint();
      if (say) this.say('listen_stopped');
    },
    paint() {
      document.querySelectorAll('#listen .listen-button').forEach((b) => {
        const pressed = String(b.dataset.speech === this.key);
        if (b.getAttribute('aria-pressed') !== pressed) b.setAttribute('aria-pressed', pressed);
      });
      document.querySelectorAll('#listen .read-all').forEach((b) => {
        if (b.getAttribute('aria-pressed') !== String(this.on)) b.setAttribute('aria-pressed', String(this.on));
      });
    },
    asked() {  // a new question: what plays stops, and with reading on the answer to come is read
      this.stop(false);
      this.armed = this.on ? document.querySelectorAll('#chat [data-testid="bot"]').length : -1;
    },
    watch() {  // after each change to the page
      const shown = $('#listen .listen-button');
      if (this.key && !document.querySelector(`#listen .listen-button[data-speech="${this.key}"]`)) this.stop(false);
      if (this.armed >= 0 && shown && document.querySelectorAll('#chat [data-testid="bot"]').length > this.armed) {
        this.armed = -1;
        this.play(shown.dataset.speech);
      }
      this.paint();
    },
    playing() { return !!this.key && !!this.audio && !this.audio.paused; },
    reset() {  // the idle reset: quiet, and reading as the kiosk starts
      this.stop(false);
      this.armed = -1;
      this.on = !!C.readAloud;
      this.say('');
      this.paint();
    },
  };
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element && e.target.closest('#listen button, #question button, button.starter, #idle-reset');
    if (!b) return;
    if (b.id === 'idle-reset') {
      speech.reset();
    } else if (b.classList.contains('listen-button')) {
      if (speech.key === b.dataset.speech) speech.stop(); else speech.play(b.dataset.speech);
    } else if (b.classList.contains('read-all')) {
      speech.on = !speech.on;
      speech.paint();
      speech.say(speech.on ? 'read_all_on' : 'read_all_off');
    } else {
      speech.asked();  // the question box's Ask button or a starter question
    }
  }, true);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && e.target instanceof Element && e.target.matches('#question textarea') && e.target.value.trim())
      speech.asked();
  }, true);

  window.__setPageLanguage = (code) => {
    window.__pageLanguage = C.labels[code] ? code : 'en';
    document.documentElement.lang = window.__pageLanguage;
    document.title = C.titles[window.__pageLanguage];
    const description = $('meta[name="description"]');
    if (description) description.setAttribute('content', C.descriptions[window.__pageLanguage]);
    fixups();
    idle.paint();
  };

  // Each new answer from its start: its question at the top of the chat (and of the screen when scrolled away).
  let answers = 0;
  const showNewAnswer = () => {
    const bots = document.querySelectorAll('#chat [data-testid="bot"]');
    if (bots.length === answers) return;
    const grew = bots.length > answers;
    answers = bots.length;
    if (!grew) return;
    const users = document.querySelectorAll('#chat [data-testid="user"]');
    const question = users[users.length - 1];
    const box = $('#chat [role="log"]');
    if (!question || !box) return;
    const row = question.closest('.message-row') || question;
    box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - 4;
    const top = row.getBoundingClientRect().top;
    if (!C.kiosk && (top < 0 || top > window.innerHeight * 0.6)) window.scrollBy({top: top - 8, behavior: 'auto'});
  };

  // Opening a document: the reader comes into view and takes focus once it shows (the same document may
  // already be there, so wait for the reader to open rather than for new text).
  window.__openReader = (opener) => {
    window.__readOpener = opener;
    const began = Date.now();
    const old = ($('#doc-view') || {}).innerHTML;
    const wait = () => {
      const header = $('#reader > button.label-wrap');
      const text = $('#doc-view .doc-text');
      const ready = header && header.classList.contains('open') && text && (($('#doc-view') || {}).innerHTML !== old || Date.now() - began > 400);
      if (!ready) { if (Date.now() - began < 8000) setTimeout(wait, 50); return; }
      const reader = $('#reader');
      if (!fixed()) reader.scrollIntoView({block: 'start', behavior: reduced() ? 'auto' : 'smooth'});
      const mark = $('#doc-quote');
      if (mark) text.scrollTop = Math.max(0, mark.offsetTop - text.clientHeight / 3);
      text.focus({preventScroll: true});
    };
    setTimeout(wait, 50);
  };

  // Closing the document (Escape, or its "Close the document" button): focus goes back where it came from.
  const closeReader = () => {
    const header = $('#reader > button.label-wrap.open');
    if (!header) return false;
    header.click();
    const back = window.__readOpener;
    // ... unless the visitor has already moved on (typing the next question): focus is never taken from them.
    setTimeout(() => {
      const now = document.activeElement;
      if (now && now !== document.body && !now.closest('#reader')) return;
      (back && back.isConnected ? back : header).focus();
    }, 60);
    return true;
  };
  document.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('.close-reader')) closeReader();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (closeReader()) e.preventDefault();
    } else if ((e.key === 'Enter' || e.key === ' ') && e.target.matches && e.target.matches('#chat [data-testid="bot"]')) {
      e.preventDefault();
      e.target.click();
    }
  }, true);

  // The kiosk's idle watch.
  const idle = {
    last: Date.now(),
    shown: false,
    node: null,
    paint() {
      if (!this.node) return;
      const S = C.idleStrings[lang()] || C.idleStrings.en;
      const left = Math.max(0, Math.ceil((C.idleMs - (Date.now() - this.last)) / 1000));
      this.node.setAttribute('lang', lang());
      this.node.querySelector('#idle-title').textContent = S.title;
      this.node.querySelector('#idle-count').textContent = S.countdown.replace('{s}', left);
      this.node.querySelector('button').textContent = S.stay;
    },
    build() {
      const n = document.createElement('div');
      n.id = 'idle-warning';
      n.setAttribute('role', 'alertdialog');
      n.setAttribute('aria-labelledby', 'idle-title');
      n.setAttribute('aria-describedby', 'idle-count');
      n.hidden = true;
      n.innerHTML = '<div class="idle-box"><p id="idle-title"></p><p id="idle-count"></p><button type="button"></button></div>';
      n.addEventListener('click', (e) => { e.stopPropagation(); this.last = Date.now(); this.hide(); });
      document.body.appendChild(n);
      this.node = n;
    },
    used(e) {
      this.last = Date.now();
      // a touch on the countdown is taken by it (its click hides it), never by the control underneath
      if (this.shown && !(e && e.target instanceof Node && this.node.contains(e.target))) this.hide();
    },
    hide() {
      this.shown = false;
      this.node.hidden = true;
      if (this.before && this.before.isConnected) this.before.focus({preventScroll: true});
      this.before = null;
    },
    show() {
      this.shown = true;
      this.before = document.activeElement;
      this.node.hidden = false;
      this.paint();
      this.node.querySelector('button').focus({preventScroll: true});
    },
    inUse() {  // anything a reset would take away
      const box = $('#question textarea');
      return document.querySelectorAll('#chat [data-testid="bot"], #chat [data-testid="user"]').length > 0
        || (box && box.value !== '') || lang() !== C.language || !!$('#reader > button.label-wrap.open')
        || !!$('#notice .notice') || !!($('#confirm-clear') && $('#confirm-clear').offsetParent);
    },
    tick() {
      if (speech.playing()) { this.last = Date.now(); if (this.shown) this.hide(); return; }  // listening is use
      if (!this.inUse()) { this.last = Date.now(); if (this.shown) this.hide(); return; }
      const quiet = Date.now() - this.last;
      if (quiet >= C.idleMs) {
        this.shown = false;
        this.node.hidden = true;
        this.before = null;
        this.last = Date.now();
        window.__idleResets = (window.__idleResets || 0) + 1;
        const reset = $('#idle-reset');
        if (reset) reset.click();
      } else if (quiet >= C.idleMs - C.warnMs) {
        if (!this.shown) this.show(); else this.paint();
      }
    },
  };
  if (C.kiosk && !window.__idleWatch) {
    idle.build();
    const used = (e) => idle.used(e);
    for (const type of ['pointerdown', 'pointermove', 'touchstart', 'keydown', 'wheel', 'input', 'scroll'])
      document.addEventListener(type, used, {capture: true, passive: true});
    window.__idleWatch = setInterval(() => idle.tick(), 1000);
  }

  if (!window.__pageWatch) {
    let queued = false;
    window.__pageWatch = new MutationObserver(() => {
      if (window.__pageLanguage && document.documentElement.lang !== window.__pageLanguage)
        document.documentElement.lang = window.__pageLanguage;
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => { queued = false; fixups(); showNewAnswer(); speech.watch(); });
      }
    });
    window.__pageWatch.observe(document.documentElement, {
      attributes: true, attributeFilter: ['lang', 'aria-label', 'title', 'class', 'aria-live'], childList: true, subtree: true });
  }
  window.__setPageLanguage(C.language);
}
