/* Consent banner: asks before any optional script runs, keeps the choice, and reports it to the
   consent server when one is configured. No dependencies and no build step: the files in this
   folder are the body of one function (assets.py joins them in order into consent.js), so they
   share one private scope and nothing leaks into the page but `window.consent`. */
"use strict";
const configElement = document.getElementById("consent-config");
/* Without the page's configuration there is nothing to ask; loaded twice, the first copy rules. */
if (!configElement || window.consent) return;

/* Written by the plugin at build time (banner.py): policy version, categories, services, texts,
   the links to the policy pages, and the consent server's endpoint (empty: browser only). */
const config = JSON.parse(configElement.textContent);
const texts = config.texts;
const STORAGE_KEY = "consent";
const DAY_MS = 864e5;
const honoursGpc = navigator.globalPrivacyControl === true;
const optionalCategories = config.categories.filter((category) => !category.required);
const changeListeners = [];
