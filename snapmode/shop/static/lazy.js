// Gallery photos ship as data-src so the first paint stays light; swap them in near the viewport.
(function () {
  var images = document.querySelectorAll("img[data-src]");
  function load(img) { img.src = img.dataset.src; img.removeAttribute("data-src"); }
  if (!("IntersectionObserver" in window)) { images.forEach(load); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { load(entry.target); observer.unobserve(entry.target); }
    });
  }, { rootMargin: "200px" });
  images.forEach(function (img) { observer.observe(img); });
})();
