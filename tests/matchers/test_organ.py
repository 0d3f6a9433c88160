"""The issuing organ as written: 红头, 落款, title prefix."""

from __future__ import annotations

import pytest

from matchers.organ import issuing_organ_text

BODY = "各乡镇、县级各部门：\n" + "为深入贯彻落实安全生产责任制，现将有关事项通知如下。" * 5 + "\n"

SHOULD_FIND = [
    ("蓬溪县交通运输局文件\n蓬交〔2022〕3号\n关于开展…的通知\n" + BODY, "蓬溪县交通运输局"),
    ("中共蓬溪县委办公室文件\n蓬委办〔2022〕21号\n" + BODY, "中共蓬溪县委办公室"),
    ("蓬 溪 县 应 急 管 理 局 文 件\n蓬应急〔2022〕3号\n" + BODY, "蓬溪县应急管理局"),
    ("蓬溪县应急管理局文件\n" + BODY, "蓬溪县应急管理局"),
    ("蓬溪县人民政府办公室\n关于做好安全生产工作的通知\n" + BODY, "蓬溪县人民政府办公室"),
    ("中共蓬溪县委办公室\n蓬溪县人民政府办公室\n关于…的通知\n" + BODY, "中共蓬溪县委办公室"),
    ("关于开展大检查的通知\n" + BODY + "\n蓬溪县应急管理局\n2022年5月20日", "蓬溪县应急管理局"),
    ("关于开展大检查的通知\n" + BODY + "\n蓬溪县应急管理局（盖章）\n2022年5月20日\n", "蓬溪县应急管理局"),
    ("关于开展大检查的通知\n" + BODY + "\n蓬溪县住房和城乡建设局    2022年5月20日", "蓬溪县住房和城乡建设局"),
    ("关于开展大检查的通知\n" + BODY + "\n赤城镇人民政府\n二〇二二年五月二十日", "赤城镇人民政府"),
    (
        "关于开展大检查的通知\n" + BODY + "\n蓬溪县安全生产委员会办公室\n蓬溪县应急管理局\n2022年5月20日",
        "蓬溪县安全生产委员会办公室",
    ),
    ("蓬溪县应急管理局关于2022年安全生产工作的报告\n" + BODY, "蓬溪县应急管理局"),
    ("蓬溪县市场监督管理局关于开展特种设备检查的通知\n" + BODY, "蓬溪县市场监督管理局"),
    ("ＸＸ\n蓬溪县水利局关于汛期安全的通知\n" + BODY, "蓬溪县水利局"),
]

SHOULD_NOT_FIND = [
    "",
    "关于开展大检查的通知\n" + BODY,
    "关于开展大检查的通知\n" + BODY + "请于2022年6月10日前报送。",
    "今天天气很好。",
    "各乡镇：\n" + BODY,
]


@pytest.mark.parametrize(("text", "organ"), SHOULD_FIND)
def test_should_find(text: str, organ: str) -> None:
    assert issuing_organ_text(text) == organ


@pytest.mark.parametrize("text", SHOULD_NOT_FIND)
def test_should_not_find(text: str) -> None:
    assert issuing_organ_text(text) is None
