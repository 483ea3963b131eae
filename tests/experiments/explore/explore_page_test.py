#!/usr/bin/python3
"""The explorable page of `dispatchlab explore` in a real browser.

Builds a page at small n, parses the JSON it was built from (strictly: UTF-8, schema), then drives Debian's
chromium headless through chromedriver and python3-selenium: loads the page from file://, flips switches
with the mouse and the keyboard, changes the scenario, and checks the displayed cost, interval, ratio, the
counts that changed, the chain's steps and the Shapley shares against that JSON; checks that the URL keeps
the state (reloading a link restores it); checks that nothing overflows a phone-sized window; and saves a
desktop and a phone screenshot for a person to look at.

Usage: explore_page_test.py DISPATCHLAB_BINARY [SCREENSHOT_DIR]
Exit 0 on success, 1 on a failed check, 77 (ctest's SKIP_RETURN_CODE) only when chromium is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def close_to_display(text, value, what):
    """`text` is `value` as the page rounds it: equal within half a unit of its last shown decimal."""
    t = text.strip().replace("\u2212", "-").lstrip("+")
    m = re.fullmatch(r"-?\d+(\.(\d+))?", t)
    check(m is not None, f"{what}: '{text}' is not a number")
    decimals = len(m.group(2)) if m.group(2) else 0
    tol = 0.5 * 10 ** (-decimals) + 1e-9 * max(1.0, abs(value))
    check(abs(float(t) - value) <= tol, f"{what}: page shows {text}, JSON has {value}")


def build_page(cli, out):
    cmd = [cli, "explore", f"--out={out}", "--n=2000", "--repetitions=3", "--sample-time=0.005", "--seed=3",
           "--quiet", "sct_init", "sct_subscript", "sct_init_list"]
    r = subprocess.run(cmd, capture_output=True, timeout=300)
    check(r.returncode == 0, f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.decode(errors='replace')}")
    html = open(os.path.join(out, "explore.html"), "rb").read().decode("utf-8", errors="strict")
    data = json.loads(open(os.path.join(out, "explore.json"), "rb").read().decode("utf-8", errors="strict"))
    m = re.search(r'<script type="application/json" id="explore-data">(.*?)</script>', html, re.S)
    check(m is not None, "the page has no data script")
    check(json.loads(m.group(1)) == data, "the page's embedded JSON differs from explore.json")
    return html, data


def check_cpython_hook(cli, driver, out):
    """--cpython=FILE: the real interpreter's figures (here a fixture, not a measurement) appear beside the model."""
    fixture = os.path.join(out, "cpython-fixture.json")
    with open(fixture, "w") as f:
        json.dump({"results": [{"scenario": "sct_init", "version": "0.0-fixture", "cpython": {"ns_per_element": 80.0}},
                               {"scenario": "sct_subscript", "cpython": {"ns_per_element": 40.0}}],
                   "metadata": {"python": "fixture"}}, f)
    page = os.path.join(out, "hook")
    cmd = [cli, "explore", f"--out={page}", "--n=300", "--repetitions=2", "--sample-time=0.001", "--quiet",
           "--layers=boxing", f"--cpython={fixture}"]
    r = subprocess.run(cmd, capture_output=True, timeout=120)
    check(r.returncode == 0, f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.decode(errors='replace')}")
    data = json.loads(open(os.path.join(page, "explore.json"), "rb").read().decode("utf-8", errors="strict"))
    check(data["cpython"]["figures"] == [{"scenario": "sct_init", "ns_per_element": 80.0, "version": "0.0-fixture"},
                                         {"scenario": "sct_subscript", "ns_per_element": 40.0, "version": ""}],
          "cpython figures")
    check(data["cpython"]["metadata"] == {"python": "fixture"}, "cpython metadata kept")
    driver.set_window_size(1280, 1000)
    driver.get("file://" + os.path.join(page, "explore.html") + "#scenario=sct_init")
    text = driver.find_element("id", "cpython-measured").text
    check("0.0-fixture" in text and "80.0 ns/element" in text and "2.00\u00d7 sct_subscript" in text, f"cpython box: {text}")
    # A file that is not that JSON is bad input: exit 2, nothing written.
    with open(fixture, "w") as f:
        f.write('{"results": [{"scenario": "sct_init"}]}')
    bad = os.path.join(out, "bad")
    r = subprocess.run([cli, "explore", f"--out={bad}", "--n=300", f"--cpython={fixture}"], capture_output=True)
    check(r.returncode == 2 and not os.path.exists(bad), "a malformed --cpython file is rejected before measuring")


def check_schema(html, data):
    for key in ["schema", "profile", "n", "repetitions", "confidence", "unit", "reference", "layers",
                "held_layers", "counters", "scenarios", "cpython", "metadata"]:
        check(key in data, f"JSON lacks '{key}'")
    check(data["schema"] == "dispatchlab-explore/1", "schema name")
    k = len(data["layers"])
    check([l["name"] for l in data["layers"]] ==
          ["trampoline", "args_tuple", "boxing", "lookup", "call", "call_tuple"], "default layers")
    check([s["name"] for s in data["scenarios"]] == ["sct_init", "sct_subscript", "sct_init_list"], "scenarios")
    for s in data["scenarios"]:
        check(len(s["configs"]) == 2 ** k, f"{s['name']}: 2^k configurations")
        check(len(s["shapley"]) == k and len(s["on_path"]) == k, f"{s['name']}: per-layer arrays")
        for i, c in enumerate(s["configs"]):
            check(c["mask"] == i, "configs indexed by mask")
            check(c["measured_mask"] & ~i == 0, "measured mask within the mask")
            check(len(c["samples"]) == data["repetitions"], "samples per configuration")
            check(c["low"] <= c["mean"] <= c["high"], "interval holds the mean")
            check(len(c["counts"]) == len(data["counters"]), "counts per counter")
            check(all(isinstance(v, int) and v >= 0 for v in c["counts"]), "counts are integers")
        total = s["configs"][-1]["mean"] - s["configs"][0]["mean"]
        check(abs(sum(v["value"] for v in s["shapley"]) - total) <= 1e-6 * max(1.0, abs(total)),
              f"{s['name']}: Shapley values sum to all on - all off")
    # Standalone: no external script, style sheet, font or image.
    check(not re.search(r"<(link|img|iframe)\b", html), "no external resources")
    check(not re.search(r"<script[^>]*\bsrc=", html), "no external script")
    check("http://" not in html and "https://" not in html and "url(" not in html, "no network address")


def expected_kind(scenario, mask, i):
    """offpath: never changes a count; off: switched off; skipped: on, but flipping it changes no count now."""
    if not scenario["on_path"][i]:
        return "offpath"
    if not (mask >> i) & 1:
        return "off"
    same = scenario["configs"][mask]["counts"] == scenario["configs"][mask ^ (1 << i)]["counts"]
    return "skipped" if same else "on"


class Page:
    def __init__(self, driver, data):
        from selenium.webdriver.common.by import By
        self.By = By
        self.d = driver
        self.data = data
        self.k = len(data["layers"])
        self.full = 2 ** self.k - 1
        self.by_name = {s["name"]: s for s in data["scenarios"]}

    def text(self, css):
        return self.d.find_element(self.By.CSS_SELECTOR, css).text

    def wait_ready(self):
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(self.d, 20).until(
            lambda d: d.execute_script("return document.body.getAttribute('data-ready')") == "true")

    def wait_state(self, scenario, mask):
        """After a navigation: waits until the page has read its address (hashchange is asynchronous)."""
        from selenium.webdriver.support.ui import WebDriverWait
        self.wait_ready()
        try:
            WebDriverWait(self.d, 10).until(lambda d: self.state() == (scenario, mask))
        except Exception:
            pass  # verify() reports the difference

    def switch(self, name):
        return self.d.find_element(self.By.ID, "sw-" + name)

    def kinds(self):
        return {li.get_attribute("data-layer"): li.get_attribute("data-kind")
                for li in self.d.find_elements(self.By.CSS_SELECTOR, "#chain li[data-layer]")}

    def state(self):
        """(scenario, mask) as the page's controls show them."""
        scenario = self.d.execute_script("return document.getElementById('scenario').value")
        mask = 0
        for i, layer in enumerate(self.data["layers"]):
            if self.switch(layer["name"]).get_attribute("aria-checked") == "true":
                mask |= 1 << i
        return scenario, mask

    def verify(self, scenario_name, mask, label):
        d = self.data
        got = self.state()
        check(got == (scenario_name, mask), f"{label}: controls show {got}, expected {(scenario_name, mask)}")
        s = self.by_name[scenario_name]
        c = s["configs"][mask]
        ref = self.by_name[d["reference"]]["configs"][mask]
        close_to_display(self.text("#cost-mean"), c["mean"], f"{label}: cost")
        close_to_display(self.text("#cost-low"), c["low"], f"{label}: interval low")
        close_to_display(self.text("#cost-high"), c["high"], f"{label}: interval high")
        close_to_display(self.text("#ratio"), c["mean"] / ref["mean"], f"{label}: ratio to reference")
        check(self.text("#cost-samples") == str(len(c["samples"])), f"{label}: sample count")
        # The counts that changed, against every switch on: exactly those rows, with their values.
        full = s["configs"][self.full]
        n = d["n"]
        want = {ctr["name"]: i for i, ctr in enumerate(d["counters"]) if full["counts"][i] != c["counts"][i]}
        rows = self.d.find_elements(self.By.CSS_SELECTOR, "#counts-table tbody tr")
        shown = {r.get_attribute("data-counter"): r for r in rows}
        check(set(shown) == set(want), f"{label}: changed counters shown {sorted(shown)}, expected {sorted(want)}")
        for name, i in want.items():
            cells = shown[name].find_elements(self.By.TAG_NAME, "td")
            close_to_display(cells[1].text, full["counts"][i] / n, f"{label}: {name} with every switch on")
            close_to_display(cells[2].text, c["counts"][i] / n, f"{label}: {name} now")
            close_to_display(cells[3].text, (c["counts"][i] - full["counts"][i]) / n, f"{label}: {name} change")
        # The chain: one step per layer, in table order, in the state the switches and the path give it.
        steps = self.d.find_elements(self.By.CSS_SELECTOR, "#chain li[data-layer]")
        check([st.get_attribute("data-layer") for st in steps] == [l["name"] for l in d["layers"]],
              f"{label}: chain steps in table order")
        for i, st in enumerate(steps):
            check(st.get_attribute("data-kind") == expected_kind(s, mask, i),
                  f"{label}: step {d['layers'][i]['name']} is {st.get_attribute('data-kind')}")
        bypassed = [st.get_attribute("data-layer") for st in steps if "bypassed" in st.get_attribute("class")]
        for i, layer in enumerate(d["layers"]):
            if expected_kind(s, mask, i) in ("off", "skipped"):
                check(layer["name"] in bypassed, f"{label}: {layer['name']} is off but not bypassed")
        # Shapley shares.
        for v in s["shapley"]:
            li = self.d.find_element(self.By.CSS_SELECTOR, f"#shapley li[data-layer='{v['layer']}']")
            val = li.find_element(self.By.CSS_SELECTOR, ".sval").text
            i = [l["name"] for l in d["layers"]].index(v["layer"])
            if s["on_path"][i]:
                close_to_display(val.split(" ")[0], v["value"], f"{label}: Shapley {v['layer']}")
            else:
                check(val.startswith("0 "), f"{label}: Shapley of off-path {v['layer']} is 0")
        # The URL keeps the state.
        off = [l["name"] for i, l in enumerate(d["layers"]) if not (mask >> i) & 1]
        want_hash = f"#scenario={scenario_name}" + (f"&off={','.join(off)}" if off else "")
        url = self.d.current_url
        check(url.endswith(want_hash), f"{label}: URL {url} should end with {want_hash}")


def make_driver(profile):
    """Debian's chromium, headless; --no-sandbox because CI runs as root."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
              f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions"]:
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def run_browser(driver, html_path, data, shots):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    p = Page(driver, data)
    url = "file://" + os.path.abspath(html_path)
    driver.get(url)
    p.wait_ready()
    full = p.full
    idx = {l["name"]: i for i, l in enumerate(data["layers"])}
    switches = driver.find_elements(p.By.CSS_SELECTOR, "button[role='switch']")
    check(len(switches) == p.k, "one switch per layer")
    for b, layer in zip(switches, data["layers"]):
        check(layer["name"] in b.text, "each switch is labelled with its layer's name")
        desc = driver.find_element(p.By.ID, b.get_attribute("aria-describedby")).text
        check(layer["on"] in desc, f"switch {layer['name']} is described from core/layers.def")
    p.verify("sct_init", full, "loaded")

    # The mouse: patch A (trampoline off).
    p.switch("trampoline").click()
    mask = full & ~(1 << idx["trampoline"])
    p.verify("sct_init", mask, "trampoline clicked off")
    # Patch A as the chain shows it: the trampoline's lookup and generic call are no longer reached.
    check(p.kinds() == {"trampoline": "off", "args_tuple": "on", "boxing": "on", "lookup": "skipped",
                        "call": "skipped", "call_tuple": "skipped"}, f"patch A chain: {p.kinds()}")
    # The keyboard: focus the lookup switch, press Space; then Enter on boxing.
    p.switch("lookup").send_keys(Keys.SPACE)
    mask &= ~(1 << idx["lookup"])
    p.verify("sct_init", mask, "lookup off by Space")
    p.switch("boxing").send_keys(Keys.ENTER)
    mask &= ~(1 << idx["boxing"])
    p.verify("sct_init", mask, "boxing off by Enter")
    p.switch("trampoline").send_keys(Keys.SPACE)
    mask |= 1 << idx["trampoline"]
    p.verify("sct_init", mask, "trampoline back on")

    # Another scenario keeps the switches.
    Select(driver.find_element(p.By.ID, "scenario")).select_by_value("sct_init_list")
    p.verify("sct_init_list", mask, "scenario changed")
    # The reference itself: a ratio of 1.
    Select(driver.find_element(p.By.ID, "scenario")).select_by_value("sct_subscript")
    p.verify("sct_subscript", mask, "reference scenario")
    check(p.text("#ratio") == "1.00", "the reference's ratio to itself is 1.00")
    # The slice assignment never goes through Array_init's chain: only boxing is on its path.
    check(p.kinds() == {"trampoline": "offpath", "args_tuple": "offpath", "boxing": "off", "lookup": "offpath",
                        "call": "offpath", "call_tuple": "offpath"}, f"slice assignment chain: {p.kinds()}")

    # URL round trip: leave the page, come back through the link, find the same state.
    link = driver.current_url
    driver.get("about:blank")
    driver.get(link)
    p.wait_state("sct_subscript", mask)
    p.verify("sct_subscript", mask, "reloaded from its URL")
    # A teacher's hand-written link: "the chain with patch A".
    driver.get(url + "#scenario=sct_init&off=trampoline")
    p.wait_state("sct_init", full & ~(1 << idx["trampoline"]))
    p.verify("sct_init", full & ~(1 << idx["trampoline"]), "patch A link")
    # Every switch off, then every switch on.
    driver.find_element(p.By.ID, "all-off").click()
    p.verify("sct_init", 0, "every switch off")
    driver.find_element(p.By.ID, "all-on").click()
    p.verify("sct_init", full, "every switch on")

    # No script errors.
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    check(not severe, f"browser console errors: {severe}")

    os.makedirs(shots, exist_ok=True)
    driver.get(url + "#scenario=sct_init&off=trampoline,lookup")
    p.wait_state("sct_init", full & ~(1 << idx["trampoline"]) & ~(1 << idx["lookup"]))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height + 140, 900), 4000))
    desktop = os.path.join(shots, "explore-desktop.png")
    check(driver.save_screenshot(desktop), "desktop screenshot")
    # A phone: nothing wider than the window.
    driver.set_window_size(390, 844)
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(overflow <= 1, f"the page is {overflow} px wider than a phone's window")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(390, min(max(height + 140, 844), 6000))
    phone = os.path.join(shots, "explore-phone.png")
    check(driver.save_screenshot(phone), "phone screenshot")
    for f in (desktop, phone):
        with open(f, "rb") as fh:
            check(fh.read(8) == b"\x89PNG\r\n\x1a\n", f"{f} is a PNG")
    print(f"explore_page_test: screenshots in {desktop} and {phone}")


def main():
    if len(sys.argv) < 2:
        print("usage: explore_page_test.py DISPATCHLAB_BINARY [SCREENSHOT_DIR]", file=sys.stderr)
        return 2
    cli = sys.argv[1]
    if not os.path.exists(CHROMIUM):
        print(f"SKIP: {CHROMIUM} is not installed (scripts/setup.sh --with-tools installs chromium, "
              "chromium-driver and python3-selenium)")
        return SKIP
    out = tempfile.mkdtemp(prefix="dispatchlab-explore-test-")
    shots = sys.argv[2] if len(sys.argv) > 2 else os.path.join(out, "shots")  # removed with `out`
    try:
        html, data = build_page(cli, os.path.join(out, "page"))
        check_schema(html, data)
        try:
            import selenium  # noqa: F401
        except ImportError:
            raise CheckFailed("chromium is installed but python3-selenium is not (scripts/setup.sh --with-tools)")
        check(os.path.exists(CHROMEDRIVER), "chromium is installed but chromium-driver is not")
        driver = make_driver(os.path.join(out, "chromium-profile"))
        try:
            run_browser(driver, os.path.join(out, "page", "explore.html"), data, shots)
            check_cpython_hook(cli, driver, out)
        finally:
            driver.quit()
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("explore_page_test: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
