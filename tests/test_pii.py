"""PII finding and redaction (kun.corpus.pii), and the labelled benchmark's targets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kun.corpus.pii import find_pii, fold, redact

ROOT = Path(__file__).resolve().parent.parent


def redacted(text: str) -> str:
    return redact(text, find_pii(text))


# GB 11643's weights, written out here so the test does not lean on the code it checks.
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check_digit(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def luhn_complete(body: str) -> str:
    total = 0
    for index, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def test_a_resident_id_needs_its_check_digit():
    valid = with_check_digit("44030519851120004")
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert redacted(f"身份证号{valid}。") == "身份证号<ID>。"
    assert redacted(f"身份证号{wrong}。") == f"身份证号{wrong}。"
    assert (
        redacted("身份证：11010519491231002x") == "身份证：<ID>"
    )  # python-stdnum's documented example, lower-case x
    assert redacted("编号110105199002301234无效") == "编号110105199002301234无效"  # 30 February


def test_a_bank_card_needs_luhn_and_a_network_prefix():
    card = luhn_complete("622202100112345678")
    broken = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert redacted(f"卡号{card}") == "卡号<CARD>"
    assert redacted(f"卡号 {card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}") == "卡号 <CARD>"
    assert redacted(f"卡号{broken}") == f"卡号{broken}"
    assert redacted("Visa 4111-1111-1111-1111 过期") == "Visa <CARD> 过期"
    assert redacted(f"订单号：{card}") == f"订单号：{card}"  # a reference number, checksum or not


@pytest.mark.parametrize(
    "text",
    [
        "会议定于2023-12-01召开",
        "截止日期20231231",
        "订单号202312011234567890",
        "时间 12:30:45",
        "第12345678901号",
        "版本 1.2.3.4.5",
        "Python 3.11.4",
        "v1.2.3.4",
        "版本号 1.0.0.1 已发布",
        "Version: 2.4.1.0",
        "MAC 00:1A:2B:3C:4D:5E",
        "比例 a:b::c:d",
        "256.1.1.1",
        "联系方式:138****1234",
        "运单号 773201234567890",
        "4008-123-123",
        "138123456789",  # twelve digits: not a mobile number
        "x@y",
    ],
)
def test_dates_order_numbers_and_versions_are_not_pii(text):
    assert find_pii(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("电话13812345678。", "电话<PHONE>。"),
        ("电话 138 1234 5678", "电话 <PHONE>"),
        ("电话１３８－１２３４－５６７８", "电话<PHONE>"),  # full-width digits and dash
        ("手机：+86 186 1234 5678", "手机：<PHONE>"),
        ("(+86)17712345678 值班", "<PHONE> 值班"),
        ("座机010-62751234", "座机<PHONE>"),
        ("（０２１）６４３２１２３４", "<PHONE>"),
        ("86-10-65281234", "<PHONE>"),
        ("邮箱ｈｒ＠ｃｏｍｐａｎｙ．ｃｎ，", "邮箱<EMAIL>，"),
        ("发至Li.Si_2020@mail.qq.com获取", "发至<EMAIL>获取"),
        ("IP：１７２．１６．０．１", "IP：<IP>"),
        ("IP：2001:db8::1。", "IP：<IP>。"),
        ("访问 http://10.0.0.254:8080/", "访问 http://<IP>:8080/"),
        ("电话：13800138000/13900139000", "电话：<PHONE>/<PHONE>"),
        ("手机138.0013.8000，座机0755 8888 6666", "手机<PHONE>，座机<PHONE>"),
        ("映射地址 ::ffff:192.168.1.1 。", "映射地址 <IP> 。"),
    ],
)
def test_each_kind_in_ascii_and_full_width(text, expected):
    assert redacted(text) == expected


def test_folding_keeps_offsets():
    text = "ｈｒ＠ｘ．ｃｎ　１３８－"
    assert len(fold(text)) == len(text) and fold(text) == "hr@x.cn 138-"


def _benchmark():
    spec = importlib.util.spec_from_file_location("bench_pii", ROOT / "benchmarks" / "bench_pii.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_benchmark_precision_and_recall_reach_the_target(split):
    bench = _benchmark()
    snippets = [snippet for snippet in bench.load() if snippet["split"] == split]
    assert len(snippets) >= 50 and sum(1 for s in snippets if not s["pii"]) >= 20
    precision, recall = bench.precision_recall(bench.score(snippets))
    assert precision >= bench.TARGET_PRECISION and recall >= bench.TARGET_RECALL, bench.score(snippets)[
        "mistakes"
    ]


def test_benchmark_prints_precision_and_recall(capsys):
    bench = _benchmark()
    argv, sys.argv = sys.argv, ["bench_pii.py"]
    try:
        bench.main()
    finally:
        sys.argv = argv
    out = capsys.readouterr().out
    assert "heldout" in out and "precision" in out and "recall" in out
