// Avenir form helper: stamps each of this form's copies on the page with the time it was loaded
// (a signed token the server checks), so that a person's post is told apart from a bot's.
(function () {
  var token = $token;
  var forms = document.querySelectorAll('form[action=' + JSON.stringify($action) + ']');
  for (var i = 0; i < forms.length; i++) {
    var field = forms[i].querySelector('input[name="_ts"]');
    if (field) { field.value = token; }
  }
})();
