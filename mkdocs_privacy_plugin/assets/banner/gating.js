/* What a decision changes on the page: gated scripts and frames, cookies, Consent Mode. */
const GATED_SELECTOR =
  'script[type="text/plain"][data-consent-category],iframe[data-consent-category][data-src]';
/* The attributes that keep a script inert; the copy that runs gets all the others. */
const INERT_ATTRIBUTES = /^(type|data-type|data-src)$/;

/* Gated scripts and frames run or load once their category (or service) is allowed, and only
   once per page however often the visitor decides. */
function runAllowedContent() {
  document.querySelectorAll(GATED_SELECTOR).forEach((gated) => {
    const data = gated.dataset;
    if (data.consentDone || !isAllowed(data.consentCategory, data.consentService)) return;
    data.consentDone = "1";
    if (gated.tagName === "IFRAME") loadFrame(gated);
    else runScript(gated);
  });
}

function loadFrame(frame) {
  frame.src = frame.dataset.src;
  const embed = frame.closest("[data-consent-embed]");
  if (embed) embed.dataset.consentLoaded = "1";
}

/* Only a script element created by script runs when inserted: the inert original stays. */
function runScript(inert) {
  const script = document.createElement("script");
  const source = inert.dataset.src || inert.getAttribute("src");
  for (const attribute of inert.attributes) {
    if (!INERT_ATTRIBUTES.test(attribute.name)) {
      script.setAttribute(attribute.name, attribute.value);
    }
  }
  if (inert.dataset.type) script.type = inert.dataset.type;
  if (source) {
    script.src = source;
    script.async = false; // gated scripts keep the order they have in the page
  } else {
    script.text = inert.text;
  }
  inert.after(script);
}

/* Cookies declared for services that are not allowed are deleted for every path and parent
   domain they could have been set on. */
function clearRefusedCookies() {
  const present = document.cookie.split(";").map((pair) => pair.split("=")[0].trim());
  const refused = config.services.filter((service) => !isAllowed(service.category, service.id));
  for (const service of refused) {
    for (const cookie of service.cookies) {
      present.filter((name) => cookieMatches(cookie.name, name)).forEach(expireEverywhere);
    }
  }
}

/* A declared name ending in "*" is a prefix (analytics tools number their cookies). */
function cookieMatches(declared, name) {
  const prefix = declared.replace(/\*$/, "");
  return name === declared || (prefix !== declared && name.startsWith(prefix));
}

function expireEverywhere(name) {
  const hostParts = location.hostname.split(".");
  const pathParts = location.pathname.split("/");
  for (let hostStart = 0; hostStart <= hostParts.length; hostStart++) {
    const domain =
      hostStart < hostParts.length ? "; domain=" + hostParts.slice(hostStart).join(".") : "";
    for (let pathEnd = pathParts.length; pathEnd > 0; pathEnd--) {
      const path = pathParts.slice(0, pathEnd).join("/") || "/";
      document.cookie = `${name}=; max-age=0; path=${path}${domain}`;
    }
  }
}

/* Google Consent Mode v2: the head snippet denied every type before any tag could run. */
function updateConsentMode() {
  if (!config.consentMode || typeof window.gtag !== "function") return;
  const update = {};
  for (const [categoryId, storageTypes] of Object.entries(config.consentMode)) {
    for (const type of storageTypes) update[type] = isAllowed(categoryId) ? "granted" : "denied";
  }
  window.gtag("consent", "update", update);
}
