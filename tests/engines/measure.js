// What a reader sees, measured inside the page. One function, the same in every engine that
// runs script (Chromium, Gecko, WebKit); it returns plain JSON. Thunderbird runs no script in
// a message: its renders are measured from the pixels instead (pixels.py).
() => {
  const px = (value) => parseFloat(value) || 0;
  const opaque = (colour) => colour && colour !== "transparent" && !/^rgba\(.*,\s*0\)$/.test(colour);
  // The colour a text is read against: the first ancestor with a background colour.
  const backgroundOf = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (opaque(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === "none" || style.visibility === "hidden" || px(style.opacity) === 0) return false;
      if (px(style.maxHeight) === 0 && style.maxHeight !== "none" && style.overflow === "hidden") return false;
    }
    return true;
  };
  const text = (element) => {
    if (!element) return null;
    const style = getComputedStyle(element);
    return {
      color: style.color,
      background: backgroundOf(element),
      fontSize: px(style.fontSize),
      fontFamily: style.fontFamily,
    };
  };
  // The width a photo has to fill: the content box of the padded cell MJML puts it in (the
  // gutter is that cell's padding), or failing one, of its column.
  const room = (img) => {
    const column = img.closest("[class*='mj-column']");
    for (let e = img.parentElement; e && e !== column; e = e.parentElement) {
      const style = getComputedStyle(e);
      const padding = px(style.paddingLeft) + px(style.paddingRight);
      if (e.tagName === "TD" && padding > 0) return e.getBoundingClientRect().width - padding;
    }
    return (column || img.parentElement).getBoundingClientRect().width;
  };
  const images = [...document.images].map((img) => {
    const box = img.getBoundingClientRect();
    return {
      src: img.getAttribute("src"),
      alt: img.getAttribute("alt"),
      x: box.left + window.scrollX,
      y: box.top + window.scrollY,
      width: box.width,
      height: box.height,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      complete: img.complete,
      column: room(img),
    };
  });
  let smallest = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || !shown(element)) continue;
    const size = px(getComputedStyle(element).fontSize);
    if (smallest === null || size < smallest.size) {
      smallest = { size, text: node.textContent.trim().slice(0, 40) };
    }
  }
  const page = document.querySelector(".page") || document.body;
  const card = document.querySelector(".card") || page;
  const bodyText = [...document.querySelectorAll(".card p")].find(
    (p) => !p.className && p.closest("[class*='mj-column']") && p.textContent.trim().length > 80,
  );
  const root = document.documentElement;
  return {
    viewport: window.innerWidth,
    docWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
    docHeight: Math.max(root.scrollHeight, document.body.scrollHeight),
    images,
    smallestText: smallest,
    // Every visible text and every visible border or rule, with the background behind it: the
    // contrast rules (checks.py) hold each to its minimum, in light and dark alike.
    contrasts: (() => {
      const found = [];
      for (const element of document.body.querySelectorAll("*")) {
        if (!shown(element)) continue;
        const style = getComputedStyle(element);
        const back = backgroundOf(element);
        const ownText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (ownText) {
          found.push({ kind: "text", tag: element.tagName, text: element.textContent.trim().slice(0, 40),
                       color: style.color, background: back });
        }
        for (const side of ["Top", "Right", "Bottom", "Left"]) {
          if (style[`border${side}Style`] === "none" || px(style[`border${side}Width`]) === 0) continue;
          const colour = style[`border${side}Color`];
          if (!opaque(colour)) continue;
          const behind = element.parentElement ? backgroundOf(element.parentElement) : back;
          found.push({ kind: "border", tag: element.tagName, text: `${side.toLowerCase()} border`,
                       color: colour, background: behind });
        }
      }
      return found;
    })(),
    // Dates and addresses Apple Mail's data detectors turned into links: their look, and the
    // text around them.
    dataDetectors: [...document.querySelectorAll("a[x-apple-data-detectors]")].map((a) => ({
      text: a.textContent,
      color: getComputedStyle(a).color,
      around: getComputedStyle(a.parentElement).color,
      decoration: getComputedStyle(a).textDecorationLine,
    })),
    // The inbox's preview line: hidden in the e-mail (a box with no height shows nothing).
    preheader: (() => {
      const element = document.querySelector(".preheader");
      return element ? { height: element.getBoundingClientRect().height, shown: shown(element) } : null;
    })(),
    colours: {
      body: getComputedStyle(document.body).backgroundColor,
      page: backgroundOf(page),
      card: backgroundOf(card),
      headline: text(document.querySelector("h1 a") || document.querySelector("h1")),
      bodyText: text(bodyText),
      brand: text(document.querySelector(".brand")),
    },
  };
}
