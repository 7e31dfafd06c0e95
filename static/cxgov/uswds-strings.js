// USWDS 3 writes its file input's instructions, status and headings in English from its own
// script. On a page in another language this replaces each of those texts (and the matching
// aria-label) with the page's translation, read from the JSON block #cxgov-uswds-strings that
// the server renders in the page's language. It watches the page, so texts USWDS writes later
// (after a file is chosen, or its status after a delay) are translated as they appear.
(function () {
  "use strict";
  var block = document.getElementById("cxgov-uswds-strings");
  if (!block || !window.MutationObserver) return;
  var t = JSON.parse(block.textContent);
  var rules = [
    [/^Drag files here or choose from folder$/, function () { return t.drag_files + " " + t.choose_lower; }],
    [/^Drag file here or choose from folder$/, function () { return t.drag_file + " " + t.choose_lower; }],
    [/^Drag files here or$/, function () { return t.drag_files; }],
    [/^Drag file here or$/, function () { return t.drag_file; }],
    [/^choose from folder$/, function () { return t.choose_lower; }],
    [/^Choose from folder$/, function () { return t.choose; }],
    [/^No files selected\.$/, function () { return t.no_files; }],
    [/^No file selected\.$/, function () { return t.no_file; }],
    [/^You have selected the file: ([\s\S]*)$/, function (m) { return t.selected_one.replace("%(name)s", m[1]); }],
    [/^You have selected (\d+) files: ([\s\S]*)$/, function (m) {
      return t.selected_many.replace("%(count)s", m[1]).replace("%(names)s", m[2]);
    }],
    // USWDS writes the heading with a space before its "Change file" link.
    [/^Selected file( ?)$/, function (m) { return t.heading_one + m[1]; }],
    [/^(\d+) files selected $/, function (m) { return t.heading_many.replace("%(count)s", m[1]) + " "; }],
    [/^Change files$/, function () { return t.change_files; }],
    [/^Change file$/, function () { return t.change_file; }],
    [/^Error: This is not a valid file type\.$/, function () { return t.wrong_type; }],
  ];

  function translated(text) {
    for (var i = 0; i < rules.length; i++) {
      var m = rules[i][0].exec(text);
      if (m) return rules[i][1](m);
    }
    return null;
  }

  // Only a changed text is written: writing the same text is itself a change the observer
  // sees, and a catalogue without these entries gives back the English.
  function fixText(node) {
    var text = translated(node.nodeValue);
    if (text !== null && text !== node.nodeValue) node.nodeValue = text;
  }

  function fixTree(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      fixText(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixLabel(root);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.nodeType === Node.TEXT_NODE) fixText(node);
      else fixLabel(node);
    }
  }

  function fixLabel(el) {
    var label = el.getAttribute("aria-label");
    if (!label) return;
    var text = translated(label);
    if (text !== null && text !== label) el.setAttribute("aria-label", text);
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.type === "characterData") fixText(record.target);
      else if (record.type === "attributes") fixLabel(record.target);
      else record.addedNodes.forEach(fixTree);
    });
  }).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-label"],
  });
})();
