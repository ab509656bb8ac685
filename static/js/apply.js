// Progressive enhancement of /apply/: only the fields of the chosen applicant type are shown.
// Without this file every field is shown, each labelled with who fills it in.
document.addEventListener("DOMContentLoaded", function () {
  var radios = document.querySelectorAll('input[name="kind"]');
  if (!radios.length) { return; }
  function update() {
    var chosen = document.querySelector('input[name="kind"]:checked');
    var kind = chosen ? chosen.value : "";
    document.querySelectorAll("[data-applicant]").forEach(function (group) {
      group.hidden = kind !== "" && group.getAttribute("data-applicant") !== kind;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
});
