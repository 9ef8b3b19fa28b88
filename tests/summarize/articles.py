"""Test articles with key facts planted on known pages (the summariser's tests and bench/summarize.py).

Each article is a list of pages (plain text) and a list of key facts ``(text, page)``: what a reader needs
from a summary (figures, names, dates, decisions). ``fact_found(fact, summary)`` is the check the benchmark's
key-fact recall uses; ``make_pdf`` sets an article as a PDF (Japanese in a CID font, as office PDFs do).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

# ---- Japanese: 17 pages, a city's harbour redevelopment ------------------------------------

JA_TITLE = "北浜市みなと再生プラン"
JA_ARTICLE = [
    # 1
    "北浜市、港湾地区の再開発計画を発表\n\n"
    "北浜市は2024年3月、港湾地区の再開発計画「みなと再生プラン」を発表した。総事業費は約120億円で、"
    "完成は2030年度を予定している。計画をまとめたのは都市整備局の佐伯真理子局長である。"
    "佐伯局長は記者会見で「港を市民の暮らしの中心に戻したい」と述べた。計画は住宅、交通、エネルギー、"
    "観光の四つの柱からなり、市の長期総合計画の中核に位置づけられている。",
    # 2
    "人口の減少と空き倉庫\n\n"
    "港湾地区の人口は1995年の2万4千人から、2023年には1万1千人にまで減った。かつて地区を支えた"
    "水産加工と倉庫業は衰え、倉庫の4割が使われないまま残っている。商店街の空き店舗も増え、夜間は人通りが"
    "ほとんどない。市の調査では、住民の半数以上が「買い物が不便になった」と答えた。",
    # 3
    "住宅の整備\n\n"
    "計画の第一の柱は住宅である。空き倉庫の跡地に集合住宅850戸を建設し、そのうち200戸を子育て世帯向けと"
    "する。家賃は周辺の相場より一割ほど低く抑える方針だ。住宅棟の一階には保育所と診療所を設け、"
    "高齢者向けの見守りサービスも導入する。",
    # 4
    "路面電車の延伸\n\n"
    "交通の柱は、路面電車「ハマライン」の延伸である。北浜駅から港湾地区の先端まで4.2キロメートルを延ばし、"
    "新しい停留所を3か所設ける。運行間隔は朝夕のラッシュ時に6分とする予定だ。延伸により、地区から"
    "市の中心部までの所要時間は現在のバスの半分になると見込まれている。",
    # 5
    "再生可能エネルギー\n\n"
    "エネルギーの柱では、倉庫や住宅の屋根に太陽光パネルを設置し、年間1800万キロワット時の発電を目指す。"
    "これは地区で使われる電力の35%にあたる。余った電力は蓄電池にためて、夜間や災害時に使う。"
    "市は2035年までに地区の温室効果ガス排出を実質ゼロにする目標を掲げている。",
    # 6
    "開発を担う事業者\n\n"
    "開発の中心となるのは、地元企業などが出資して設立したミナトリンク株式会社である。資金面では"
    "北浜信用金庫が融資団をまとめる。ミナトリンクの社長には、元市職員の村上健一氏が就いた。"
    "同社は住宅と商業施設の運営も一体で担い、利益の一部を地区の公共サービスに充てる仕組みをつくる。",
    # 7
    "雇用への効果\n\n"
    "市の試算では、計画によって新たに約3000人の雇用が生まれる。建設工事のほか、商業施設、"
    "観光、保育や医療の分野で働き手が必要になる。市は地元の高校や専門学校と連携し、若い人が地区で"
    "働き続けられるよう職業訓練の講座を開く。",
    # 8
    "住民説明会\n\n"
    "市は2024年5月に住民説明会を計6回開き、延べ1400人が参加した。参加者からは、工事の騒音や"
    "大型車両の通行を心配する声が多く出た。一方で、路面電車の延伸や保育所の整備には期待が寄せられた。"
    "市は工事の時間帯を平日の日中に限ると約束した。",
    # 9
    "干潟の保全\n\n"
    "港の東側に残る干潟は、渡り鳥が羽を休める貴重な場所である。計画では18ヘクタールを保全区域に"
    "指定し、開発の対象から外す。環境団体「北浜の海を守る会」は保全区域の指定を評価しつつ、工事中の"
    "水質の監視を求めている。市は大学の研究者と協力して定期的な調査を行う。",
    # 10
    "旧税関を博物館に\n\n"
    "観光の柱は、明治時代に建てられた旧税関の建物の活用である。建物を改修して港の歴史を伝える博物館とし、"
    "年間25万人の来館を目指す。周辺には市場と飲食店の並ぶ広場を設け、週末にはイベントを開く。"
    "クルーズ船の寄港も誘致する計画だ。",
    # 11
    "財源の内訳\n\n"
    "総事業費約120億円のうち、国の補助金が48億円、市の負担が35億円で、残りは民間の投資でまかなう。"
    "市の負担分は、10年間に分けて予算に計上する。財政課は、市の借金が増えすぎないよう、"
    "他の公共事業の時期を調整するとしている。",
    # 12
    "建設費の高騰\n\n"
    "課題もある。資材と人件費の値上がりにより、事業費が1割ほど増える可能性が指摘されている。"
    "市は設計の見直しや工事の発注方法の工夫で費用を抑えるとしているが、議会の一部からは計画の"
    "規模を縮小すべきだという意見も出ている。",
    # 13
    "防災対策\n\n"
    "港湾地区は高潮や津波の危険が高い。計画では防潮堤を高さ5.5メートルにかさ上げし、住宅棟の一部を"
    "避難ビルに指定する。避難ビルには非常用の電源と三日分の備蓄を置く。市は毎年、住民と合同で"
    "避難訓練を行う方針である。",
    # 14
    "デジタル技術の活用\n\n"
    "地区全体に無料の無線通信網を整え、道路や防潮堤にセンサーを設置する。集めたデータは交通量の把握や"
    "設備の点検に使う。個人を特定できる情報は集めないと市は説明している。データの一部は公開し、"
    "地元企業が新しいサービスの開発に使えるようにする。",
    # 15
    "他都市との比較\n\n"
    "港湾の再開発は各地で進んでいるが、住宅、交通、エネルギーを一体で整備する例は少ない。専門家は、"
    "計画の成否は住民が実際に戻ってくるかどうかにかかっていると指摘する。南崎市の例では、商業施設だけが"
    "先にでき、住む人が増えなかったという。",
    # 16
    "工事の日程\n\n"
    "第1期の工事は2025年10月に始まり、住宅の一部と路面電車の延伸区間を先に整備する。第2期は"
    "2028年度に着工し、博物館と商業施設を建てる。すべての工事が終わるのは2030年度の予定である。",
    # 17
    "市議会が可決\n\n"
    "市議会は2024年6月の本会議で、計画の関連予算を賛成多数で可決した。反対した議員は、建設費の高騰を"
    "理由に挙げた。佐伯局長は「住民の声を聞きながら、一歩ずつ進めたい」と話している。",
]

# (the fact as a reader needs it, the page it is on)
JA_FACTS = [
    ("2024年3月", 1), ("120億円", 1), ("2030年度", 1), ("佐伯", 1),
    ("1万1千人", 2), ("4割", 2),
    ("850戸", 3), ("200戸", 3),
    ("ハマライン", 4), ("4.2キロ", 4),
    ("35%", 5),
    ("ミナトリンク", 6),
    ("3000人", 7),
    ("1400人", 8),
    ("18ヘクタール", 9),
    ("25万人", 10),
    ("48億円", 11),
    ("5.5メートル", 13),
    ("2025年10月", 16),
    ("2024年6月", 17),
]

# ---- English: 8 pages, a quarterly operations report ---------------------------------------

EN_TITLE = "Q3 operations report"
EN_ARTICLE = [
    # 1
    "Q3 operations report, Northwind Logistics\n\n"
    "Northwind Logistics handled 4.8 million parcels in the third quarter of 2024, up 12% on the same quarter "
    "last year. Revenue reached $61.5 million. The board met on 14 October 2024 to review the results and "
    "approved the plan for the fourth quarter. Chief executive Laura Bennett said the growth came mainly from "
    "new contracts with online retailers in the north of the country.",
    # 2
    "Warehouses\n\n"
    "The new warehouse in Leeds opened in August and now runs two shifts a day. It can store 22,000 pallets "
    "and employs 310 people. The older site in Bradford will close in March 2025; its staff have been offered "
    "jobs in Leeds. Storage costs per pallet fell by 8% across the network after the move to automated racking.",
    # 3
    "Transport\n\n"
    "The fleet grew to 540 vans, of which 96 are electric. Fuel costs rose by 6% despite the electric vans, "
    "because diesel prices climbed in September. On-time delivery stood at 94.2%, just short of the target of "
    "95%. Most late deliveries were on rural routes in the Yorkshire Dales, where the company plans to add a "
    "second depot.",
    # 4
    "Customer service\n\n"
    "Customer complaints fell to 1,150 in the quarter, from 1,620 in the second quarter. The average time to "
    "answer a call dropped to 48 seconds after the support team introduced a new booking system called "
    "Parcelpoint. Customer satisfaction in the quarterly survey was 4.3 out of 5.",
    # 5
    "People\n\n"
    "Headcount reached 2,950 at the end of September. Staff turnover in the warehouses was 18%, still high but "
    "lower than the 23% of last year. A new apprenticeship scheme with Leeds City College started in September "
    "with 40 apprentices. The company agreed a 4.5% pay rise with the union, taking effect in January.",
    # 6
    "Safety\n\n"
    "There were 7 reportable accidents in the quarter, all minor. An external audit by SafeWork UK rated the "
    "Leeds warehouse as good. Every driver will complete a new safety course by the end of December; 60% had "
    "done so by the end of September.",
    # 7
    "Finance\n\n"
    "Operating profit was $5.9 million, a margin of 9.6%. Capital spending in the quarter was $7.2 million, "
    "mostly on the Leeds warehouse and the electric vans. Cash at the end of the quarter stood at $18.4 "
    "million. The finance team expects the fourth quarter to be the strongest of the year because of the "
    "holiday season.",
    # 8
    "Decisions and next steps\n\n"
    "The board decided to order 60 more electric vans for delivery in the first half of 2025, and to open the "
    "second Yorkshire depot in Skipton by June 2025. It postponed the planned expansion into Scotland until "
    "2026. The next report is due on 15 January 2025.",
]

EN_FACTS = [
    ("4.8 million", 1), ("12%", 1), ("61.5 million", 1), ("Laura Bennett", 1),
    ("Leeds", 2), ("22,000", 2), ("March 2025", 2),
    ("540", 3), ("94.2%", 3),
    ("1,150", 4), ("Parcelpoint", 4),
    ("2,950", 5), ("4.5%", 5),
    ("SafeWork", 6),
    ("5.9 million", 7), ("18.4 million", 7),
    ("Skipton", 8), ("Scotland", 8), ("2026", 8),
]

ARTICLES = {
    "ja": {"title": JA_TITLE, "name": "みなと再生プラン.pdf", "pages": JA_ARTICLE, "facts": JA_FACTS},
    "en": {"title": EN_TITLE, "name": "Q3 operations report.pdf", "pages": EN_ARTICLE, "facts": EN_FACTS},
}


def _norm(text: str) -> str:
    """NFKC, lower case, no spaces; digit groups without their commas (1,400 == 1400)."""
    import re

    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    return re.sub(r"\s+", "", t)


def fact_found(fact: str, summary: str) -> bool:
    """Is ``fact`` in ``summary``? Digits must not run on (\"7\" is not found in \"17\" or \"2,700\")."""
    import re

    f, s = _norm(fact), _norm(summary)
    if f and f[0].isdigit():
        return re.search(r"(?<![\d.])" + re.escape(f) + (r"(?![\d]|[.,]\d)" if f[-1].isdigit() else ""), s) is not None
    return f in s


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (words kept whole where there are spaces)."""
    out = []
    for para in text.split("\n"):
        if not para:
            out.append("")
            continue
        if " " in para:
            line = ""
            for word in para.split(" "):
                if line and len(line) + 1 + len(word) > width:
                    out.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            out.append(line)
        else:
            out.extend(para[i:i + width] for i in range(0, len(para), width))
    return out


def make_pdf(path: Path, pages: list[str], japanese: bool) -> Path:
    """The article as a PDF, one page each: Japanese set in a CID font (UniJIS-UCS2-H), as office PDFs are."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "HeiseiMin-W3" if japanese else "Helvetica"
    if japanese and font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path))
    for text in pages:
        y = 790
        for line in wrap(text, 38 if japanese else 92):
            c.setFont(font, 11 if japanese else 10)
            if line:
                c.drawString(40, y, line)
            y -= 20 if line else 10
        c.showPage()
    c.save()
    return path


def make_article(folder: Path, lang: str) -> Path:
    a = ARTICLES[lang]
    return make_pdf(Path(folder) / a["name"], a["pages"], japanese=(lang == "ja"))
