"""Synthetic reports made from the real samples, for scale benches (and a truth file to score the parser at scale).

    .venv/bin/python bench/synth.py --n 1000 --out /tmp/synth1k
    .venv/bin/python bench/synth.py --n 10000 --out /tmp/synth10k --seed 7

What is real and what is made up (why: throughput and query latency depend on text length, table layout and
how many agencies/years share a store, so those come from the samples; the numbers must be new or a 10k store
would hold five reports 2,000 times):
- free text: parts 一 (总体情况), 五 and 六 of one of the five sample reports, round-robin, with the sample's
  agency and region names replaced by the new agency's and its years shifted to the new year;
- agency: a real division name from index/regions.json (province, prefecture or county) + a department
  (人社, 生态环境, 交通运输, 自然资源, 民政), unique per agency; every agency gets consecutive years (2019, 2020);
- tables: the three 2019-template tables, new numbers that keep the balance rules the template prints —
  each row's 总计 is the sum of its six applicant columns, （七）总计 = the sum of the outcome rows, 一 + 二 =
  （七）总计 + 四 per column — and chain across years (2020 上年结转 = 2019 结转下年度继续办理);
- layouts, chosen per report: tab-separated rows, pipe rows ("a | b |"), one cell per line with blank lines
  between rows (a flattened Word table), and tab rows whose zero cells are left empty (as 山东 2019 prints them);
  brackets full- or half-width, 本年新收 or 本年新增, 采购总金额 in 元 or 万元.

Writes N .txt files plus truth.jsonl: one line per file with agency, region, level, year, layout and every
table value ({"table","row","column","value"} with the canonical names of seed_facts.json).
"""
from __future__ import annotations

import json
import random
import re
import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GOLD = Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json")
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
OUTCOMES = [("予以公开", None), ("部分公开", None)] + \
    [("不予公开", x) for x in ["属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
                            "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"]] + \
    [("无法提供", x) for x in ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"]] + \
    [("不予处理", x) for x in ["信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                            "要求行政机关确认或重新出具已获取信息"]] + [("其他处理", None)]
# how often each outcome row is used (weights for spreading the processed applications)
_OUT_W = [30, 6, 0.2, 0.3, 0.8, 1.5, 0.8, 2, 0.8, 0.8, 12, 4, 0.8, 3, 2, 0.5, 0.5, 1, 1.5]
GROUPS = ["行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
DEPTS = [("人力资源和社会保障", "人社"), ("生态环境", "生态环境"), ("交通运输", "交通运输"), ("自然资源", "自然资源"),
         ("民政", "民政")]
LAYOUTS = ["tab", "pipe", "cells", "tab_blank0"]
AVOID = {"福建省人力资源和社会保障厅", "厦门市人力资源和社会保障局", "山东省人力资源和社会保障厅", "江苏省人力资源和社会保障厅"}
CN = "一二三四五六七八"


def _row_name(head: str, sub) -> str:
    return head if sub is None else f"{head}-{sub}"


# ---------------------------------------------------------------- bases (the real samples)
def load_bases() -> list[dict]:
    gold = {r["file"]: r for r in json.loads(GOLD.read_text(encoding="utf-8"))["reports"]} if GOLD.exists() else {}
    bases = []
    for p in sorted(SAMPLE.glob("*.txt")):
        lines = p.read_text(encoding="utf-8").splitlines()
        i2 = next(i for i, t in enumerate(lines) if re.match(r"\s*二、主动公开", t))
        i5 = next(i for i, t in enumerate(lines) if re.match(r"\s*五、", t))
        i1 = next(i for i, t in enumerate(lines) if re.match(r"\s*一、总体情况", t))
        g = gold.get(p.name, {})
        regions = re.findall(r"[\u4e00-\u9fff]{2,3}?[省市]", g.get("region") or "")
        names = [g.get("agency") or ""] + regions + [r[:-1] for r in regions]  # 山东省 and 山东 (山东人社)
        bases.append({"file": p.name, "head": lines[i1:i2], "tail": lines[i5:], "year": g.get("year") or 2019,
                      "names": sorted({n for n in names if n}, key=len, reverse=True)})
    return bases


def agencies(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """n unique (agency, region, level): provinces first, then prefectures, then counties, × departments."""
    div = json.loads((ROOT / "index" / "regions.json").read_text(encoding="utf-8"))["divisions"]
    prov = {c: v for c, v in div.items() if c.endswith("0000")}
    pref = {c: v for c, v in div.items() if c.endswith("00") and not c.endswith("0000") and not v.endswith("辖区")}
    cnty = {c: v for c, v in div.items() if not c.endswith("00") and v not in ("市辖区",)}
    places = [(v, v, "省级") for v in prov.values()]
    # official names carry no province before a prefecture (石家庄市人力资源和社会保障局), nor one before a
    # county beyond its prefecture (石家庄市长安区…): as the reports print them and metadata.py resolves them
    places += [(v, prov.get(c[:2] + "0000", "") + v, "市级") for c, v in pref.items()]
    places += [(pref.get(c[:4] + "00", prov.get(c[:2] + "0000", "")) + v,
                prov.get(c[:2] + "0000", "") + pref.get(c[:4] + "00", "") + v, "县级") for c, v in cnty.items()]
    out, seen = [], set(AVOID)
    for dept, _short in DEPTS:
        for place, region, level in places:
            name = place + dept + ("厅" if level == "省级" else "局")
            if name not in seen:
                seen.add(name)
                out.append((name, region, level))
            if len(out) >= n:
                return out
    raise click.UsageError(f"only {len(out)} distinct agencies can be made; ask for fewer reports")


# ---------------------------------------------------------------- numbers that balance
def table2(rng: random.Random, carried_in: list[int]) -> dict[str, list[int]]:
    """Rows → six applicant columns; the balance rules hold per column."""
    scale = rng.choice([3, 10, 30, 100, 300])
    rows = {name: [0] * 6 for name in [_row_name(h, s) for h, s in OUTCOMES]}
    carry_out = [0] * 6
    for c in range(6):
        share = 1.0 if c == 0 else (rng.random() * 0.15 if rng.random() < 0.4 else 0.0)
        done = int(rng.expovariate(1 / (scale * share))) if share else 0
        for name in rng.choices(list(rows), weights=_OUT_W, k=done):
            rows[name][c] += 1
        carry_out[c] = rng.choice([0, 0, 0, 1, 2, 5]) if done or carried_in[c] else 0
        total = sum(r[c] for r in rows.values())
        if total + carry_out[c] < carried_in[c]:  # the new applications cannot be negative
            rows["予以公开"][c] += carried_in[c] - total - carry_out[c]
    total = [sum(r[c] for r in rows.values()) for c in range(6)]
    new = [total[c] + carry_out[c] - carried_in[c] for c in range(6)]
    return {"本年新收": new, "上年结转": list(carried_in), **rows, "总计": total, "结转下年度继续办理": carry_out}


def make_facts(rng: random.Random, carried_in: list[int]) -> tuple[list[dict], list[int], dict]:
    t2 = table2(rng, carried_in)
    facts = []
    for row, vals in t2.items():
        for col, v in zip(APPLICANTS + ["总计"], vals + [sum(vals)]):
            facts.append({"table": "依申请公开", "row": row, "column": col, "value": v})
    t1 = {}
    for row in ("规章", "规范性文件"):
        made = rng.choice([0, 0, 1, 2, 5, 12]) if row == "规范性文件" else rng.choice([0, 0, 0, 1])
        t1[row] = [made, made, made + rng.randint(0, 300)]
    for row in ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制"):
        t1[row] = [rng.randint(0, 80), rng.choice([0, 0, 0, 1, -1, 2, -3]), int(rng.expovariate(1 / 2000))]
    t1["行政事业性收费"] = [rng.randint(0, 30), rng.choice([0, 0, -1])]
    wan = rng.random() < 0.5
    amount = round(rng.uniform(5, 9000), 2) if wan else round(rng.uniform(5e4, 9e7), 2)
    t1["政府集中采购"] = [rng.randint(0, 120), amount]
    cols = {"规章": ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            "行政许可": ["上一年项目数量", "本年增/减", "处理决定数量"],
            "行政事业性收费": ["上一年项目数量", "本年增/减"], "政府集中采购": ["采购项目数量", "采购总金额(元)"]}
    for row, vals in t1.items():
        names = cols.get(row) or cols["规章" if row == "规范性文件" else "行政许可"]
        for col, v in zip(names, vals):
            v = round(v * 10000, 2) if (row == "政府集中采购" and col.startswith("采购总金额") and wan) else v
            facts.append({"table": "主动公开", "row": row, "column": col, "value": v})
    t3 = {}
    for g in GROUPS:
        vals = [rng.choice([0, 0, 0, 0, 1, 2, 3]) for _ in RESULTS]
        t3[g] = vals + [sum(vals)]
        facts += [{"table": "复议诉讼", "row": g, "column": c, "value": v} for c, v in zip(RESULTS + ["总计"], t3[g])]
    return facts, t2["结转下年度继续办理"], {"t1": t1, "t2": t2, "t3": t3, "wan": wan}


# ---------------------------------------------------------------- rendering
def _num(v, blank0: bool = False) -> str:
    if blank0 and v == 0:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def table_rows(nums: dict, rng: random.Random, blank0: bool, lead: bool) -> dict[str, list[list[str]]]:
    """The three tables as rows of cells. `lead`: sub-rows keep their leading empty cells (tab/cell layouts)."""
    full = rng.random() < 0.5
    br = (lambda s: f"（{s}）") if full else (lambda s: f"({s})")
    dot = "．" if full and rng.random() < 0.5 else "."
    t1, t2, t3 = nums["t1"], nums["t2"], nums["t3"]
    heads = {"一": ["本年新制作数量", "本年新公开数量", "对外公开总数量"], "五": ["上一年项目数量", "本年增/减", "处理决定数量"],
             "六": ["上一年项目数量", "本年增/减", "处理决定数量"], "八": ["上一年项目数量", "本年增/减"], "九": ["采购项目数量", "采购总金额"]}
    rows_of = {"一": ["规章", "规范性文件"], "五": ["行政许可", "其他对外管理服务事项"], "六": ["行政处罚", "行政强制"],
               "八": ["行政事业性收费"], "九": ["政府集中采购"]}
    r1 = []
    for item, names in rows_of.items():
        r1.append([f"第二十条第{br(item)}项"])
        r1.append(["信息内容"] + heads[item])
        for name in names:
            vals = [_num(v) for v in t1[name]]
            if name == "政府集中采购":
                vals[1] = vals[1] + rng.choice(["万元", " 万元"] if nums["wan"] else ["元", " 元", ""])
            r1.append([name] + vals)
    pad = (lambda k: [""] * k) if lead else (lambda k: [])
    vals = lambda row: [_num(v, blank0) for v in t2[row]] + [_num(sum(t2[row]), blank0)]
    r2 = [[f"{br('本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和')}", "申请人情况"],
          pad(1) + ["自然人", "法人或其他组织", "总计"], pad(2) + APPLICANTS[1:]]
    new = "本年新增" if rng.random() < 0.25 else "本年新收"
    r2.append([f"一、{new}政府信息公开申请数量"] + vals("本年新收"))
    r2.append(["二、上年结转政府信息公开申请数量"] + vals("上年结转"))
    last_head, k = None, 0
    for i, (head, sub) in enumerate(OUTCOMES):
        if head != last_head:
            k += 1
        label = br(CN[k - 1]) + head + ("（区分处理的，只计这一情形，不计其他情形）" if head == "部分公开" else "")
        first = ["三、本年度办理结果"] if i == 0 else pad(1)
        if sub is None:
            r2.append(first + [label] + vals(head))
        else:
            n = [s for h, s in OUTCOMES if h == head].index(sub) + 1
            r2.append(first + ([label] if head != last_head else pad(1)) + [f"{n}{dot}{sub}"] + vals(f"{head}-{sub}"))
        last_head = head
    r2.append(pad(1) + [br("七") + "总计"] + vals("总计"))
    r2.append(["四、结转下年度继续办理"] + vals("结转下年度继续办理"))
    r3 = [["行政复议", "行政诉讼"], RESULTS + ["总计", "未经复议直接起诉", "复议后起诉"],
          pad(5) + (RESULTS + ["总计"]) * 2, [_num(v) for g in GROUPS for v in t3[g]]]
    return {"t1": r1, "t2": r2, "t3": r3}


def render_rows(rows: list[list[str]], layout: str) -> list[str]:
    if layout == "pipe":
        return [" | ".join(r) + " |" for r in rows]
    if layout == "cells":
        out = []
        for r in rows:
            out += ["\t" + c for c in r] + [""]
        return out
    return ["\t".join(r) for r in rows]


def render(base: dict, agency: str, region: str, year: int, nums: dict, layout: str, rng: random.Random) -> str:
    names = re.compile("|".join(map(re.escape, base["names"])))  # one pass: a new name is never renamed again

    def rename(line: str) -> str:
        line = names.sub(lambda m: agency if m.group(0).endswith(("厅", "局")) else region, line)
        return re.sub(r"(?<!\d)(20[12]\d)(?=\s*年)", lambda m: str(int(m.group(1)) - base["year"] + year), line)

    tabs = table_rows(nums, rng, blank0=(layout == "tab_blank0"), lead=(layout != "pipe"))
    lay = "tab" if layout == "tab_blank0" else layout
    title = rng.choice([f"{agency}{year}年政府信息公开工作年度报告", f"{agency} {year} 年政府信息公开工作年度报告"])
    out = [title, ""] + [rename(t) for t in base["head"]]
    out += ["二、主动公开政府信息情况", ""] + render_rows(tabs["t1"], lay) + [""]
    out += ["三、收到和处理政府信息公开申请情况", ""] + render_rows(tabs["t2"], lay) + [""]
    out += ["四、政府信息公开行政复议、行政诉讼情况", ""] + render_rows(tabs["t3"], lay) + [""]
    out += [rename(t) for t in base["tail"]]
    return "\n".join(out) + "\n"


def generate(n: int, out: Path, seed: int = 0, years: tuple[int, ...] = (2019, 2020), progress=None) -> list[dict]:
    """Write n reports and truth.jsonl into `out`; returns the truth records."""
    rng = random.Random(seed)
    bases = load_bases()
    out.mkdir(parents=True, exist_ok=True)
    truth = []
    per = len(years)
    with open(out / "truth.jsonl", "w", encoding="utf-8") as tf:
        for a_i, (agency, region, level) in enumerate(agencies(rng, (n + per - 1) // per)):
            carried = [rng.choice([0, 0, 1, 3]) if c == 0 else 0 for c in range(6)]
            for year in years:
                i = len(truth)
                if i >= n:
                    break
                facts, carried, nums = make_facts(rng, carried)
                layout = LAYOUTS[i % len(LAYOUTS)]
                base = bases[i % len(bases)]
                name = f"s{i:05d}_{year}.txt"
                (out / name).write_text(render(base, agency, region, year, nums, layout, rng), encoding="utf-8")
                rec = {"file": name, "agency": agency, "region": region, "level": level, "year": year,
                       "layout": layout, "base": base["file"], "facts": facts}
                tf.write(json.dumps(rec, ensure_ascii=False) + "\n")
                truth.append(rec)
                if progress:
                    progress(i + 1)
    return truth


@click.command()
@click.option("--n", "n", type=int, default=1000, show_default=True, help="number of reports to write")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="output folder")
@click.option("--seed", type=int, default=0, show_default=True, help="random seed (same seed, same files)")
def main(n: int, out: Path, seed: int) -> None:
    """Write N synthetic reports (and truth.jsonl) into OUT, e.g. `bench/synth.py --n 10000 --out /tmp/s10k`."""
    t = time.perf_counter()
    truth = generate(n, out, seed)
    size = sum(p.stat().st_size for p in out.glob("*.txt"))
    layouts = {k: sum(r["layout"] == k for r in truth) for k in LAYOUTS}
    print(f"{len(truth)} reports, {len({r['agency'] for r in truth})} agencies, {size / 1e6:.1f} MB in {out} "
          f"({time.perf_counter() - t:.1f} s); layouts {layouts}")


if __name__ == "__main__":
    sys.exit(main())
