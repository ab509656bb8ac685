// Item add form (templates/admin/disclosures/disclosureitem/change_form.html): choosing 信息类型
// reloads the form with ?kind= so the server shows that kind's sections only, keeping what was
// typed in the plain fields as initial values. Without JavaScript the links of 第一步 do the same.
(function () {
  "use strict";
  var step = document.getElementById("kind-step");
  var select = document.getElementById("id_kind");
  if (!step || !select) return;
  var KEEP = ["organization", "category", "title", "document_number", "written_date", "validity", "keywords", "summary", "source"];
  var shown = select.value; // the kind whose sections the server rendered
  // Say before it happens that the choice reloads the form (WCAG 3.2.2).
  var hint = document.createElement("div");
  hint.className = "help";
  hint.id = "id_kind_reload_hint";
  hint.textContent = "选择信息类型后表单将重新载入并显示该类型的专门字段，已填写的基本信息（正文除外）会保留。";
  select.insertAdjacentElement("afterend", hint);
  select.setAttribute("aria-describedby", ((select.getAttribute("aria-describedby") || "") + " " + hint.id).trim());
  select.addEventListener("change", function () {
    if (select.value === shown) return;
    var query = new URLSearchParams(window.location.search);
    KEEP.forEach(function (name) {
      var field = select.form.elements[name];
      if (field && field.value) query.set(name, field.value);
      else query.delete(name);
    });
    query.set("kind", select.value);
    window.location.search = query.toString();
  });
})();
