// The kiosk's layout classes, set as the page's HTML is read (page.page_shell), before Gradio builds the page, so
// that the page is laid out once for its screen and never moves when page.js arrives: html.fit-screen on a screen
// of 1000x1000 CSS pixels or more (kiosk.css fits the page to it exactly), html.portrait when it stands upright.
// Gradio scopes the custom CSS's @media rules to its content, so the layout hangs on these classes instead.
(() => {
  const fit = () => {
    const root = document.documentElement;
    root.classList.toggle('fit-screen', window.matchMedia('(min-width: 1000px) and (min-height: 1000px)').matches);
    root.classList.toggle('portrait', window.innerHeight > window.innerWidth);
  };
  window.addEventListener('resize', fit);
  fit();
})();
