"""Benchmark readers: C-Eval and CMMLU folders of per-subject CSV files, in their official layouts.

- C-Eval: `<subject>_dev.csv`, `<subject>_val.csv`, `<subject>_test.csv` with the header
  `id,question,A,B,C,D,answer[,explanation]` (test hides its answers);
- CMMLU: `dev/<subject>.csv`, `test/<subject>.csv` with the header `,Question,A,B,C,D,Answer`
  (the first column is pandas' unnamed index).

Each folder holds one layout; `subject_mapping.json` beside the files, when present, names the
subjects; otherwise the official Chinese names below are used. Every error names the file and,
for a bad row, its line.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kun.core.errors import KunError

LETTERS = ("A", "B", "C", "D")


CEVAL_COLUMNS = ["id", "question", "A", "B", "C", "D"]  # then answer, explanation (both optional)


CMMLU_COLUMNS = ["", "Question", "A", "B", "C", "D", "Answer"]  # the first is pandas' unnamed index


EXPECTED_LAYOUTS = "C-Eval `id,question,A,B,C,D,answer[,explanation]` (files <subject>_dev.csv, <subject>_val.csv) or CMMLU `,Question,A,B,C,D,Answer` (files dev/<subject>.csv, test/<subject>.csv)"


Layout = Literal["ceval", "cmmlu"]


@dataclass(frozen=True)
class Question:
    subject: str
    id: str
    question: str
    options: tuple[str, str, str, str]
    answer: str | None  # "A".."D"; None where the split hides its answers (C-Eval test)
    explanation: str = ""

    @property
    def key(self) -> str:
        """`<subject>/<id>`, unique within a benchmark."""
        return f"{self.subject}/{self.id}"


@dataclass
class Benchmark:
    name: str
    directory: Path
    layout: Layout
    split: str
    questions: dict[str, list[Question]]  # subject -> scored questions (answered ones only)
    dev: dict[str, list[Question]]  # subject -> few-shot examples, in file order
    subject_names: dict[str, str]  # subject -> name shown in the prompt (Chinese where known)
    unanswered: dict[str, int] = field(default_factory=dict)  # subject -> questions skipped (no answer)
    contaminated: dict[str, int] = field(
        default_factory=dict
    )  # subject -> questions dropped (see kun.evaluation.decontaminate)
    notes: list[str] = field(default_factory=list)  # what was skipped or dropped, for the stage's log

    @property
    def subjects(self) -> list[str]:
        return sorted(self.questions)

    @property
    def num_questions(self) -> int:
        return sum(len(rows) for rows in self.questions.values())

    def display_name(self, subject: str) -> str:
        """The subject's name as prompts show it."""
        return self.subject_names.get(subject, subject.replace("_", " "))


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of a CSV file; UTF-8 with or without BOM."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except UnicodeDecodeError:
        raise KunError(f"{path}: not UTF-8 text; re-save the CSV as UTF-8") from None
    except csv.Error as error:
        raise KunError(f"{path}: malformed CSV ({error}); fix the quoting") from None
    return header, rows


def _read_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [name.strip() for name in next(csv.reader(handle), [])]
    except UnicodeDecodeError:
        raise KunError(f"{path}: not UTF-8 text; re-save the CSV as UTF-8") from None


def detect_layout(header: list[str], path: Path | str) -> Layout:
    """Which official layout a header belongs to, or a KunError naming the file and its columns."""
    if header[:6] == CEVAL_COLUMNS and header[6:] in ([], ["answer"], ["answer", "explanation"]):
        return "ceval"
    if len(header) == 7 and header[0] in ("", "Unnamed: 0") and header[1:] == CMMLU_COLUMNS[1:]:
        return "cmmlu"
    found = ",".join(header) if header else "(empty file)"
    raise KunError(f"{path}: unknown benchmark header `{found}`; expected {EXPECTED_LAYOUTS}")


def _subject_of(path: Path, layout: Layout, split: str, directory: Path) -> str | None:
    """The subject a file holds if it belongs to `split`, else None."""
    if layout == "ceval":
        suffix = f"_{split}"
        return (
            path.stem[: -len(suffix)] if path.stem.endswith(suffix) and len(path.stem) > len(suffix) else None
        )
    return path.stem if path.parent.name == split and path.parent.parent == directory else None


def _load_questions(path: Path, layout: Layout, subject: str) -> list[Question]:
    header, rows = _read_rows(path)
    found = detect_layout(header, path)
    if found != layout:
        raise KunError(f"{path}: {found} header in a {layout} folder; keep one layout per folder")
    questions = []
    for line, row in rows:
        if len(row) != len(header):
            raise KunError(
                f"{path}:{line}: {len(row)} fields, the header has {len(header)}; quote fields that contain commas"
            )
        record = dict(zip(header, (cell.strip() for cell in row)))
        if layout == "ceval":
            identifier, text, answer, explanation = (
                record["id"],
                record["question"],
                record.get("answer", ""),
                record.get("explanation", ""),
            )
        else:
            identifier, text, answer, explanation = (
                record[header[0]] or str(len(questions)),
                record["Question"],
                record["Answer"],
                "",
            )
        answer = answer.upper()
        if answer and answer not in LETTERS:
            raise KunError(f"{path}:{line}: answer {answer!r} is not one of A, B, C, D")
        questions.append(
            Question(
                subject,
                identifier,
                text,
                tuple(record[letter] for letter in LETTERS),
                answer or None,
                explanation,
            )
        )
    duplicates = [key for key, count in Counter(q.id for q in questions).items() if count > 1]
    if duplicates:
        raise KunError(
            f"{path}: id {duplicates[0]!r} appears more than once; ids must be unique within a subject"
        )
    return questions


def _subject_names(directory: Path, layout: Layout) -> dict[str, str]:
    """Chinese subject names: the built-in C-Eval/CMMLU tables, overridden by the folder's own
    `subject_mapping.json` (C-Eval's format, {subject: [English, Chinese, category]}, or {subject: name})."""
    names = {
        **(CMMLU_SUBJECTS if layout == "ceval" else CEVAL_SUBJECTS),
        **(CEVAL_SUBJECTS if layout == "ceval" else CMMLU_SUBJECTS),
    }
    mapping_path = directory / "subject_mapping.json"
    if mapping_path.exists():
        try:
            mapping = json.loads(mapping_path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as error:
            raise KunError(
                f"{mapping_path}: invalid JSON ({error.msg} at line {error.lineno}); fix it or delete the file"
            ) from None
        for subject, value in mapping.items():
            if isinstance(value, list) and len(value) >= 2 and isinstance(value[1], str):
                names[subject] = value[1]
            elif isinstance(value, str):
                names[subject] = value
            else:
                raise KunError(
                    f"{mapping_path}: {subject}: expected [English, Chinese, category] or a name, got {value!r}"
                )
    return names


def load_benchmark(
    directory: str | Path,
    split: Literal["val", "test"] | None = None,
    dev_split: str = "dev",
    name: str | None = None,
) -> Benchmark:
    """Read a benchmark folder in C-Eval or CMMLU layout, detected from the CSV headers.

    C-Eval: `<subject>_{dev,val,test}.csv`, in the folder itself or in dev/, val/, test/ under it.
    CMMLU: `dev/<subject>.csv` and `test/<subject>.csv`. `split` None scores val (C-Eval) or test
    (CMMLU, which has no val). Questions without an answer (C-Eval's test split hides them) are
    skipped and counted in `unanswered` and `notes`.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise KunError(
            f"{directory}: benchmark folder not found; fix the path in params.yaml or put the benchmark CSVs there"
        )
    files = sorted(directory.glob("*.csv")) + sorted(directory.glob("*/*.csv"))
    if not files:
        raise KunError(f"{directory}: no CSV files; expected {EXPECTED_LAYOUTS}")
    layouts = {path: detect_layout(_read_header(path), path) for path in files}
    if len(set(layouts.values())) > 1:
        by_layout = {
            layout: next(path for path, found in layouts.items() if found == layout)
            for layout in set(layouts.values())
        }
        raise KunError(
            f"{directory}: mixes layouts ({by_layout['ceval']} is C-Eval, {by_layout['cmmlu']} is CMMLU); keep one benchmark per folder"
        )
    layout: Layout = next(iter(layouts.values()))
    split = split or ("val" if layout == "ceval" else "test")

    def split_files(which: str) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for path in files:
            subject = _subject_of(path, layout, which, directory)
            if subject is None:
                continue
            if subject in found:
                raise KunError(
                    f"{directory}: subject {subject!r} has two {which} files ({found[subject]} and {path}); keep one"
                )
            found[subject] = path
        return found

    scored_files = split_files(split)
    if not scored_files:
        pattern = f"<subject>_{split}.csv" if layout == "ceval" else f"{split}/<subject>.csv"
        raise KunError(
            f"{directory}: no {split} files ({pattern}) in this {layout} folder; set the split to one the folder has"
        )
    dev_files = split_files(dev_split)
    questions, dev, unanswered, notes = {}, {}, {}, []
    for subject, path in sorted(scored_files.items()):
        rows = _load_questions(path, layout, subject)
        questions[subject] = [q for q in rows if q.answer is not None]
        unanswered[subject] = len(rows) - len(questions[subject])
        dev[subject] = (
            [q for q in _load_questions(dev_files[subject], layout, subject) if q.answer is not None]
            if subject in dev_files
            else []
        )
    skipped = sum(unanswered.values())
    if skipped:
        notes.append(
            f"{directory}: skipped {skipped} {split} questions without an answer (the {split} split hides its answers)"
        )
    if not any(questions.values()):
        raise KunError(
            f"{directory}: no {split} question has an answer; score a split with answers (C-Eval: val)"
        )
    return Benchmark(
        name or directory.name,
        directory,
        layout,
        split,
        questions,
        dev,
        _subject_names(directory, layout),
        unanswered,
        {},
        notes,
    )


# From C-Eval's subject_mapping.json (SJTU-LIT/ceval) and CMMLU's categories (haonan-li/CMMLU).
CEVAL_SUBJECTS = {
    "computer_network": "计算机网络",
    "operating_system": "操作系统",
    "computer_architecture": "计算机组成",
    "college_programming": "大学编程",
    "college_physics": "大学物理",
    "college_chemistry": "大学化学",
    "advanced_mathematics": "高等数学",
    "probability_and_statistics": "概率统计",
    "discrete_mathematics": "离散数学",
    "electrical_engineer": "注册电气工程师",
    "metrology_engineer": "注册计量师",
    "high_school_mathematics": "高中数学",
    "high_school_physics": "高中物理",
    "high_school_chemistry": "高中化学",
    "high_school_biology": "高中生物",
    "middle_school_mathematics": "初中数学",
    "middle_school_biology": "初中生物",
    "middle_school_physics": "初中物理",
    "middle_school_chemistry": "初中化学",
    "veterinary_medicine": "兽医学",
    "college_economics": "大学经济学",
    "business_administration": "工商管理",
    "marxism": "马克思主义基本原理",
    "mao_zedong_thought": "毛泽东思想和中国特色社会主义理论体系概论",
    "education_science": "教育学",
    "teacher_qualification": "教师资格",
    "high_school_politics": "高中政治",
    "high_school_geography": "高中地理",
    "middle_school_politics": "初中政治",
    "middle_school_geography": "初中地理",
    "modern_chinese_history": "近代史纲要",
    "ideological_and_moral_cultivation": "思想道德修养与法律基础",
    "logic": "逻辑学",
    "law": "法学",
    "chinese_language_and_literature": "中国语言文学",
    "art_studies": "艺术学",
    "professional_tour_guide": "导游资格",
    "legal_professional": "法律职业资格",
    "high_school_chinese": "高中语文",
    "high_school_history": "高中历史",
    "middle_school_history": "初中历史",
    "civil_servant": "公务员",
    "sports_science": "体育学",
    "plant_protection": "植物保护",
    "basic_medicine": "基础医学",
    "clinical_medicine": "临床医学",
    "urban_and_rural_planner": "注册城乡规划师",
    "accountant": "注册会计师",
    "fire_engineer": "注册消防工程师",
    "environmental_impact_assessment_engineer": "环境影响评价工程师",
    "tax_accountant": "税务师",
    "physician": "医师资格",
}


CMMLU_SUBJECTS = {
    "agronomy": "农学",
    "anatomy": "解剖学",
    "ancient_chinese": "古汉语",
    "arts": "艺术学",
    "astronomy": "天文学",
    "business_ethics": "商业伦理",
    "chinese_civil_service_exam": "中国公务员考试",
    "chinese_driving_rule": "中国驾驶规则",
    "chinese_food_culture": "中国饮食文化",
    "chinese_foreign_policy": "中国外交政策",
    "chinese_history": "中国历史",
    "chinese_literature": "中国文学",
    "chinese_teacher_qualification": "中国教师资格",
    "clinical_knowledge": "临床知识",
    "college_actuarial_science": "大学精算学",
    "college_education": "大学教育学",
    "college_engineering_hydrology": "大学工程水文学",
    "college_law": "大学法律",
    "college_mathematics": "大学数学",
    "college_medical_statistics": "大学医学统计",
    "college_medicine": "大学医学",
    "computer_science": "计算机科学",
    "computer_security": "计算机安全",
    "conceptual_physics": "概念物理学",
    "construction_project_management": "建设工程管理",
    "economics": "经济学",
    "education": "教育学",
    "electrical_engineering": "电气工程",
    "elementary_chinese": "小学语文",
    "elementary_commonsense": "小学常识",
    "elementary_information_and_technology": "小学信息技术",
    "elementary_mathematics": "初等数学",
    "ethnology": "民族学",
    "food_science": "食品科学",
    "genetics": "遗传学",
    "global_facts": "全球事实",
    "high_school_biology": "高中生物",
    "high_school_chemistry": "高中化学",
    "high_school_geography": "高中地理",
    "high_school_mathematics": "高中数学",
    "high_school_physics": "高中物理学",
    "high_school_politics": "高中政治",
    "human_sexuality": "人类性行为",
    "international_law": "国际法学",
    "journalism": "新闻学",
    "jurisprudence": "法理学",
    "legal_and_moral_basis": "法律与道德基础",
    "logical": "逻辑学",
    "machine_learning": "机器学习",
    "management": "管理学",
    "marketing": "市场营销",
    "marxist_theory": "马克思主义理论",
    "modern_chinese": "现代汉语",
    "nutrition": "营养学",
    "philosophy": "哲学",
    "professional_accounting": "专业会计",
    "professional_law": "专业法学",
    "professional_medicine": "专业医学",
    "professional_psychology": "专业心理学",
    "public_relations": "公共关系",
    "security_study": "安全研究",
    "sociology": "社会学",
    "sports_science": "体育学",
    "traditional_chinese_medicine": "中医中药",
    "virology": "病毒学",
    "world_history": "世界历史",
    "world_religions": "世界宗教",
}
