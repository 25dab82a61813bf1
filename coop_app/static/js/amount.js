// Amounts a person types: the amount in words (terbilang) beside every amount field, as the
// person types, in the page's language, worded exactly as the receipts word it.
//
// A faithful port of coop_app/money.py's parse_amount (the separators MoneyField accepts) and
// coop_app/terbilang.py's money_in_words; tests/browser/test_amount_field.py runs both on the
// same amounts and compares. An entry the server would refuse (letters, an exponent, three
// digits after the decimal separator, more than two decimals) shows the server's hint
// instead of words. Every page works without this file: the server checks every amount.
(function () {
  "use strict";

  // -- terbilang.py ---------------------------------------------------------------------------
  var UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
               "sembilan", "sepuluh", "sebelas"];
  var SCALES = [[1e12, "triliun"], [1e9, "miliar"], [1e6, "juta"], [1e3, "ribu"]];

  function belowThousand(n) {
    var words = [];
    var hundreds = Math.floor(n / 100), rest = n % 100;
    if (hundreds === 1) { words.push("seratus"); }
    else if (hundreds) { words.push(UNITS[hundreds], "ratus"); }
    if (rest >= 20) {
      words.push(UNITS[Math.floor(rest / 10)], "puluh");
      if (rest % 10) { words.push(UNITS[rest % 10]); }
    } else if (rest >= 12) {
      words.push(UNITS[rest - 10], "belas");
    } else if (rest) {
      words.push(UNITS[rest]);
    }
    return words;
  }

  function numberInWords(n) {
    if (n < 0) { return "minus " + numberInWords(-n); }
    if (n === 0) { return "nol"; }
    if (n >= 1e15) { throw new RangeError("too large to write out"); }
    var words = [];
    SCALES.forEach(function (pair) {
      var count = Math.floor(n / pair[0]);
      n = n % pair[0];
      if (!count) { return; }
      if (count === 1 && pair[0] === 1e3) { words.push("seribu"); }
      else { words.push.apply(words, belowThousand(count).concat([pair[1]])); }
    });
    if (n) { words.push.apply(words, belowThousand(n)); }
    return words.join(" ");
  }

  var EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                  "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                  "seventeen", "eighteen", "nineteen"];
  var EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
  var EN_SCALES = [[1e12, "trillion"], [1e9, "billion"], [1e6, "million"], [1e3, "thousand"]];

  function englishBelowThousand(n) {
    var words = [];
    var hundreds = Math.floor(n / 100), rest = n % 100;
    if (hundreds) { words.push(EN_UNITS[hundreds], "hundred"); }
    if (rest >= 20) {
      words.push(EN_TENS[Math.floor(rest / 10)] + (rest % 10 ? "-" + EN_UNITS[rest % 10] : ""));
    } else if (rest) {
      words.push(EN_UNITS[rest]);
    }
    return words;
  }

  function numberInEnglish(n) {
    if (n < 0) { return "minus " + numberInEnglish(-n); }
    if (n === 0) { return "zero"; }
    if (n >= 1e15) { throw new RangeError("too large to write out"); }
    var words = [];
    EN_SCALES.forEach(function (pair) {
      var count = Math.floor(n / pair[0]);
      n = n % pair[0];
      if (count) { words.push.apply(words, englishBelowThousand(count).concat([pair[1]])); }
    });
    if (n) { words.push.apply(words, englishBelowThousand(n)); }
    return words.join(" ");
  }

  // An amount given in whole sen (an integer: exact up to 2^53 sen, far above any amount).
  function moneyInWords(sen, language) {
    var english = String(language || "id").indexOf("en") === 0;
    var words = english ? numberInEnglish : numberInWords;
    var sign = sen < 0 ? "minus " : "";
    sen = Math.abs(sen);
    var rupiah = Math.floor(sen / 100), cents = sen % 100;
    var text = sign + words(rupiah) + " rupiah";
    if (cents) { text += " " + (english ? "and " : "") + words(cents) + " sen"; }
    return text;
  }

  // -- money.py's parse_amount --------------------------------------------------------------
  var SEPARATORS = {id: [".", ","], en: [",", "."]};
  var MAX_LENGTH = 40;  // MoneyField refuses longer text

  function escape(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function pattern(group, decimal) {
    var g = escape(group), d = escape(decimal);
    return new RegExp("^(-?)([0-9]{1,3}(?:" + g + "[0-9]{3})+|[0-9]+)(?:" + d + "([0-9]+))?$");
  }

  function language(locale) { return String(locale || "id").indexOf("en") === 0 ? "en" : "id"; }

  // Digits grouped by threes with the language's separator (Babel's format_plain of a whole
  // number, which is all a suggestion ever is).
  function grouped(sign, digits, lang) {
    digits = digits.replace(/^0+(?=[0-9])/, "");
    var out = digits.replace(/\B(?=([0-9]{3})+(?![0-9]))/g, SEPARATORS[lang][0]);
    return (sign && /[1-9]/.test(digits) ? "-" : "") + out;
  }

  // {sen: integer} for an exact amount, {error: "invalid" | "decimals"} for what the server
  // refuses, {error: "ambiguous", suggestion: "50.000"} where it asks "did you mean".
  function parseAmount(text, locale) {
    if (text === null || text === undefined) { return {error: "empty"}; }
    if (text.trim().length > MAX_LENGTH) { return {error: "invalid"}; }
    var cleaned = text.trim().replace(/ /g, "").replace(/\u00a0/g, "");
    ["Rp", "rp", "RP", "IDR"].forEach(function (prefix) {
      if (cleaned.indexOf(prefix) === 0) { cleaned = cleaned.slice(prefix.length); }
    });
    if (!cleaned) { return {error: "empty"}; }
    var lang = language(locale);
    var group = SEPARATORS[lang][0];
    var match = pattern(group, SEPARATORS[lang][1]).exec(cleaned);
    if (!match) { return {error: "invalid"}; }
    var sign = match[1], whole = match[2].split(group).join(""), decimals = match[3];
    if (decimals !== undefined && decimals.length === 3 && match[2].indexOf(group) < 0 &&
        whole.charAt(0) !== "0") {
      return {error: "ambiguous", suggestion: grouped(sign, whole + decimals, lang)};
    }
    if (decimals !== undefined && decimals.length > 2) { return {error: "decimals"}; }
    var cents = decimals === undefined ? 0 : parseInt((decimals + "00").slice(0, 2), 10);
    var sen = parseInt(whole, 10) * 100 + cents;
    if (!isFinite(sen) || sen > Number.MAX_SAFE_INTEGER) { return {error: "invalid"}; }
    return {sen: sign ? -sen : sen};
  }

  // -- the fields ---------------------------------------------------------------------------
  function capitalized(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  function wordsOf(input) {
    var id = input.id ? input.id + "-words" : "";
    var box = id ? document.getElementById(id) : null;
    if (!box) {
      box = document.createElement("div");
      if (id) { box.id = id; }
      box.className = "form-text amount-words";
      box.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", box);
      if (id) {
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        described.push(id);
        input.setAttribute("aria-describedby", described.join(" "));
      }
    }
    return box;
  }

  // The field's rule, written by MoneyField: {"locale": "id", "least": 1 (sen, or null),
  // "most": sen, "label": "Terbilang", "hints": {invalid, ambiguous, decimals, small, large}}.
  function ruleOf(input) {
    try { return JSON.parse(input.dataset.amount) || {}; } catch (e) { return {}; }
  }

  function show(input) {
    var box = wordsOf(input);
    var rule = ruleOf(input), hints = rule.hints || {};
    var locale = rule.locale || document.documentElement.lang;
    var parsed = parseAmount(input.value, locale);
    if (parsed.error === undefined) {
      if (rule.least !== null && rule.least !== undefined && parsed.sen < rule.least) {
        parsed = {error: "small"};
      } else if (rule.most && Math.abs(parsed.sen) > rule.most) {
        parsed = {error: "large"};
      }
    }
    box.classList.remove("text-danger");
    if (parsed.error === "empty") { box.textContent = ""; return; }
    if (parsed.error) {
      var hint = hints[parsed.error] || hints.invalid || "";
      box.textContent = hint.replace("{amount}", parsed.suggestion || "");
      box.classList.add("text-danger");
      return;
    }
    box.textContent = (rule.label ? rule.label + ": " : "") + capitalized(moneyInWords(parsed.sen, locale));
  }

  // For the tests and the console: the same functions the fields use.
  window.coopAmount = {parseAmount: parseAmount, moneyInWords: moneyInWords,
                       numberInWords: numberInWords, numberInEnglish: numberInEnglish};

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-amount]")) { show(event.target); }
  });
  document.querySelectorAll("input[data-amount]").forEach(function (input) {
    if (input.value) { show(input); }
  });
})();
