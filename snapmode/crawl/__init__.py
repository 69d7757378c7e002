"""Engine-free crawler components: SSRF guard, fetcher, robots.txt, link discovery,
politeness and site scope. Adapters (spouts, bolts, runners) wire them up;
the components keep no crawl state of their own beyond caches: the frontier backend holds it.
"""
