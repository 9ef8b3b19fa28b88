<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../gui/about.py" line="81"/>
        <source>About Hearth</source>
        <translation>Hearth について</translation>
    </message>
    <message>
        <location filename="../../gui/about.py" line="86"/>
        <source>Language models, privately on this computer.</source>
        <translation>言語モデルを、このコンピューターの中だけで。</translation>
    </message>
    <message>
        <location filename="../../gui/about.py" line="93"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../gui/about.py" line="94"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
</context>
<context>
    <name>AddEndpointDialog</name>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="88"/>
        <source>Add a server</source>
        <translation>サーバーを追加</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="91"/>
        <source>A company inference server that speaks the OpenAI-compatible API (llama-server, vLLM, Ollama, LM Studio). Adding it contacts nothing; press Test afterwards to list its models.</source>
        <translation>OpenAI 互換 API を話す社内の推論サーバー(llama-server、vLLM、Ollama、LM Studio)。追加しただけでは接続しません。あとで「テスト」を押すとモデルの一覧を取得します。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="97"/>
        <source>company</source>
        <translation>社内</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="98"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="101"/>
        <source>Base URL</source>
        <translation>ベース URL</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="104"/>
        <source>optional; kept in the system keyring only</source>
        <translation>任意。システムのキーリングにのみ保存されます</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="105"/>
        <source>API key</source>
        <translation>API キー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="106"/>
        <source>Verify the server&apos;s TLS certificate (recommended)</source>
        <translation>サーバーの TLS 証明書を検証する(推奨)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="120"/>
        <source>This URL is plain http://: an API key would cross the network unencrypted, readable by anyone on the way. Use https://, or, only on a network you trust, allow it below.</source>
        <translation>この URL は暗号化されない http:// です。API キーは暗号化されずにネットワークを流れ、経路上の誰でも読み取れます。https:// を使うか、信頼できるネットワークの場合に限り下で許可してください。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="120"/>
        <source>Send the API key over plain http:// (trusted network only)</source>
        <translation>API キーを暗号化されない http:// で送る(信頼できるネットワークのみ)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="108"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="111"/>
        <source>optional: your company&apos;s CA bundle (.pem)</source>
        <translation>任意: 社内の CA バンドル (.pem)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="113"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="116"/>
        <source>CA bundle</source>
        <translation>CA バンドル</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="121"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="122"/>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="130"/>
        <source>Choose a CA bundle</source>
        <translation>CA バンドルを選択</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="131"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>証明書 (*.pem *.crt *.cer);;すべてのファイル (*)</translation>
    </message>
</context>
<context>
    <name>AskPane</name>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="42"/>
        <source>&lt;div style=&quot;color:#777; margin:30px 16px;&quot;&gt;&lt;p style=&quot;font-size:large;&quot;&gt;Ask your documents&lt;/p&gt;&lt;p&gt;Make a collection of files and folders on the left (drop them on the list, or press &lt;b&gt;New collection…&lt;/b&gt;); Hearth indexes them here, on this computer.&lt;/p&gt;&lt;p&gt;Then ask a question: the answer cites the file and page behind every claim; click a citation to read the passage in its page, or open the document at that page.&lt;/p&gt;&lt;p&gt;PDF, Word (.docx), text, Markdown or HTML, in Japanese or English.&lt;/p&gt;&lt;/div&gt;</source>
        <translation>&lt;div style=&quot;color:#777; margin:30px 16px;&quot;&gt;&lt;p style=&quot;font-size:large;&quot;&gt;文書に質問&lt;/p&gt;&lt;p&gt;左側でファイルやフォルダーのコレクションを作ります(一覧にドロップするか、&lt;b&gt;新しいコレクション…&lt;/b&gt;を押します)。インデックスはこのコンピューターの中で作られます。&lt;/p&gt;&lt;p&gt;質問すると、回答のそれぞれの内容に根拠となるファイルとページが示されます。出典をクリックするとそのページの中の抜粋を読めます。文書をそのページで開くこともできます。&lt;/p&gt;&lt;p&gt;PDF、Word (.docx)、テキスト、Markdown、HTML に対応し、日本語でも英語でも使えます。&lt;/p&gt;&lt;/div&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="51"/>
        <source>Select a passage, or click a citation in the answer, to read it in its page</source>
        <translation>抜粋を選ぶか、回答の出典をクリックすると、そのページの中で読めます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="131"/>
        <source>Collections</source>
        <translation>コレクション</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="138"/>
        <source>New collection…</source>
        <translation>新しいコレクション…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="139"/>
        <source>A new collection from a folder (or drop files and folders on the list)</source>
        <translation>フォルダーから新しいコレクションを作ります(ファイルやフォルダーを一覧にドロップしても作れます)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="141"/>
        <source>Add folder…</source>
        <translation>フォルダーを追加…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="142"/>
        <source>Add a folder to the selected collection (its documents, subfolders included)</source>
        <translation>選んだコレクションにフォルダーを追加します(サブフォルダーの文書も含みます)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="145"/>
        <source>Add files…</source>
        <translation>ファイルを追加…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="146"/>
        <source>Add documents to the selected collection</source>
        <translation>選んだコレクションに文書を追加します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="148"/>
        <source>Update index</source>
        <translation>インデックスを更新</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="149"/>
        <source>Read what is new or changed in the selected collection (unchanged files are skipped)</source>
        <translation>選んだコレクションの新しい文書や変更された文書を読み込みます(変わっていないファイルは読み飛ばします)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="152"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="153"/>
        <source>Forget the selected collection and its index (the files themselves are not touched)</source>
        <translation>選んだコレクションとそのインデックスを削除します(ファイル自体には手を付けません)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="170"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="171"/>
        <source>Stop indexing; the documents indexed so far are kept</source>
        <translation>インデックス作成を中止します。それまでに読み込んだ文書は残ります</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="190"/>
        <source>Ask a question about the selected collection, in Japanese or English (Enter)</source>
        <translation>選んだコレクションについて日本語か英語で質問してください (Enter)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="195"/>
        <source>Ask</source>
        <translation>質問</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="196"/>
        <source>Search the collection and have the loaded model answer from the passages found (Enter, Ctrl+Enter)</source>
        <translation>コレクションを検索し、見つかった抜粋をもとに読み込み済みのモデルが回答します (Enter, Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="201"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="202"/>
        <source>Stop the answer (Esc)</source>
        <translation>回答を停止します (Esc)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="222"/>
        <location filename="../../gui/panes/ask/ask_pane.py" line="577"/>
        <location filename="../../gui/panes/ask/ask_pane.py" line="620"/>
        <location filename="../../gui/panes/ask/ask_pane.py" line="641"/>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="242"/>
        <location filename="../../gui/panes/ask/ask_pane.py" line="617"/>
        <source>Passages found</source>
        <translation>見つかった抜粋</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="256"/>
        <source>Open at page</source>
        <translation>このページで開く</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="257"/>
        <source>Open the document in this computer&apos;s viewer, at the passage&apos;s page where the viewer supports it</source>
        <translation>このコンピューターのビューアーで文書を開きます(対応するビューアーでは抜粋のページが開きます)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="363"/>
        <source>A folder for the new collection</source>
        <translation>新しいコレクションのフォルダー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="367"/>
        <source>New collection</source>
        <translation>新しいコレクション</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="367"/>
        <source>Name:</source>
        <translation>名前:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="376"/>
        <source>Add a folder to {name}</source>
        <translation>{name} にフォルダーを追加</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="384"/>
        <source>Add documents to {name}</source>
        <translation>{name} に文書を追加</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="384"/>
        <source>Documents for a new collection</source>
        <translation>新しいコレクションの文書</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="385"/>
        <source>Documents</source>
        <translation>文書</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="385"/>
        <source>All files</source>
        <translation>すべてのファイル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="392"/>
        <source>{name} is being indexed: cancel the indexing before removing it.</source>
        <translation>{name} はインデックス作成中です。削除する前にインデックス作成をキャンセルしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="403"/>
        <source>Remove collection</source>
        <translation>コレクションの削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="404"/>
        <source>Remove the collection {name} and its index? The files themselves are not touched.</source>
        <translation>コレクション {name} とそのインデックスを削除しますか？ ファイル自体には手を付けません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="411"/>
        <source>Removed {name}.</source>
        <translation>{name} を削除しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="438"/>
        <source>Waiting to index…</source>
        <translation>インデックス作成の順番待ち…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="453"/>
        <location filename="../../gui/panes/ask/ask_pane.py" line="592"/>
        <source>Stopping…</source>
        <translation>停止しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="465"/>
        <source>Waiting…</source>
        <translation>待機中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="470"/>
        <source>{name}: looking for documents…</source>
        <translation>{name}: 文書を探しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="471"/>
        <source>Looking for documents…</source>
        <translation>文書を探しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="485"/>
        <source>{done}/{total} documents</source>
        <translation>{done}/{total} 件の文書</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="487"/>
        <source>Indexing {done}/{total}…</source>
        <translation>インデックス作成中 {done}/{total}…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="490"/>
        <source>Starting the embedding model {model}…</source>
        <translation>埋め込みモデル {model} を起動しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="492"/>
        <source>The embedding model {model} could not be started, so {name} is indexed for full-text search only: {reason}</source>
        <translation>埋め込みモデル {model} を起動できなかったため、{name} は全文検索用にのみインデックスを作成します: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="499"/>
        <source>embedding {done}/{total} passages</source>
        <translation>抜粋を埋め込み中 {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="501"/>
        <source>Embedding {done}/{total}…</source>
        <translation>埋め込み中 {done}/{total}…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="517"/>
        <source>Indexed {name}: {indexed} read, {skipped} unchanged, {failed} could not be read, {removed} dropped · {passages} passages ({time})</source>
        <translation>{name} のインデックスを作成しました: 読み込み {indexed} 件、変更なし {skipped} 件、読めなかった文書 {failed} 件、除外 {removed} 件 · 抜粋 {passages} 件 ({time})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="524"/>
        <source>Could not be read: {files}</source>
        <translation>読めなかった文書: {files}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="526"/>
        <source>… and {n} more</source>
        <translation>…ほか {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="538"/>
        <source>Indexing {name} was stopped; the documents indexed so far are kept: press Update index to go on.</source>
        <translation>{name} のインデックス作成を停止しました。それまでに読み込んだ文書は残っています。続けるには「インデックスを更新」を押してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="558"/>
        <source>Make a collection first: drop files or folders on the list on the left, or press New collection…</source>
        <translation>先にコレクションを作ってください。左の一覧にファイルやフォルダーをドロップするか、「新しいコレクション…」を押します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="562"/>
        <source>Type a question first.</source>
        <translation>先に質問を入力してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="567"/>
        <source>Nothing in {name} is indexed yet: press Update index.</source>
        <translation>{name} にはまだインデックスがありません。「インデックスを更新」を押してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="579"/>
        <source>Searching {name}…</source>
        <translation>{name} を検索しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="596"/>
        <location filename="../../gui/panes/ask/ask_pane.py" line="710"/>
        <source>Stopped.</source>
        <translation>停止しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="617"/>
        <source>Passages found ({n})</source>
        <translation>見つかった抜粋 ({n})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="621"/>
        <source>Nothing in {name} answers this well enough to ask a model; the closest passages, if any, are listed on the right.</source>
        <translation>{name} には、モデルに尋ねるほどこの質問に合う内容がありません。近い抜粋があれば右側に示します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="633"/>
        <source>Load a model (above) to have the answer written from these passages.</source>
        <translation>これらの抜粋から回答を書かせるには、上でモデルを読み込んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="642"/>
        <source>Waiting for {model}…</source>
        <translation>{model} を待っています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="648"/>
        <source>{model} is reading {n} passages…</source>
        <translation>{model} が {n} 件の抜粋を読んでいます…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="670"/>
        <source>Sources:</source>
        <translation>出典:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="671"/>
        <source>The model cited no passage; the answer was drawn from:</source>
        <translation>モデルは出典を示しませんでした。回答の材料になった抜粋:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="676"/>
        <source>Removed {n} citation(s) that match no passage given to the model: {list}</source>
        <translation>モデルに渡したどの抜粋にも当たらない出典を {n} 件削除しました: {list}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="680"/>
        <source>The model found no answer in the passages it was given.</source>
        <translation>モデルは渡された抜粋の中に答えを見つけられませんでした。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="687"/>
        <source>{n} passages given to {model}</source>
        <translation>{model} に渡した抜粋 {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="688"/>
        <source>{n} prompt tokens</source>
        <translation>プロンプト {n} トークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="689"/>
        <source>{n} reply tokens</source>
        <translation>回答 {n} トークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="699"/>
        <source>No answer: see the message above.</source>
        <translation>回答はありません。上のメッセージをご覧ください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="730"/>
        <source>{file}, page {page}</source>
        <translation>{file} の {page} ページ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="762"/>
        <source>{name} is not there any more.</source>
        <translation>{name} はもうありません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/ask_pane.py" line="775"/>
        <source>Your question and the passages found are sent to {host}</source>
        <translation>質問と見つかった抜粋は {host} に送信されます</translation>
    </message>
</context>
<context>
    <name>AskWidgets</name>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="41"/>
        <source>Not indexed yet</source>
        <translation>インデックス未作成</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="43"/>
        <source>{n} document</source>
        <translation>文書 {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="44"/>
        <source>{n} documents</source>
        <translation>文書 {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="45"/>
        <source>{n} passages</source>
        <translation>抜粋 {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="49"/>
        <source>{n} could not be read</source>
        <translation>読めなかった文書 {n} 件</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../gui/widgets/banner.py" line="30"/>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="43"/>
        <source>The conversation database is busy (another Hearth process is using it); your conversations will appear as soon as it is free.</source>
        <translation>会話データベースが使用中です(別の Hearth プロセスが使っています)。空き次第、会話が表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="152"/>
        <source>{what}: {error}</source>
        <translation>{what}: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="157"/>
        <source>Could not read the conversations</source>
        <translation>会話を読み込めませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="201"/>
        <source>Could not save to the conversation database: {error}</source>
        <translation>会話データベースに保存できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="244"/>
        <source>Note: base model: continues text rather than following instructions.</source>
        <translation>注意: ベースモデルです。指示に従うのではなく、文章の続きを書きます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="250"/>
        <source>Type a message — Ctrl+Enter to send, Esc to stop</source>
        <translation>メッセージを入力 — Ctrl+Enter で送信、Esc で停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="256"/>
        <source>Send</source>
        <translation>送信</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="257"/>
        <source>Send (Ctrl+Enter)</source>
        <translation>送信 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="259"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="260"/>
        <source>Stop the reply (Esc)</source>
        <translation>応答を停止 (Esc)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="262"/>
        <source>Regenerate</source>
        <translation>再生成</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="263"/>
        <source>Write the last reply again</source>
        <translation>最後の応答をもう一度生成します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="312"/>
        <location filename="../../gui/panes/chat/chat_pane.py" line="383"/>
        <source>Could not list the conversations</source>
        <translation>会話の一覧を取得できませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="330"/>
        <source>Could not open the conversation</source>
        <translation>会話を開けませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="348"/>
        <source>Could not rename the conversation: {error}</source>
        <translation>会話の名前を変更できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="354"/>
        <source>Could not delete the conversation</source>
        <translation>会話を削除できませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="360"/>
        <source>Could not delete the conversation: {error}</source>
        <translation>会話を削除できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="379"/>
        <source>Could not restore the conversation: {error}</source>
        <translation>会話を復元できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="387"/>
        <source>Searching failed</source>
        <translation>検索に失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="394"/>
        <location filename="../../gui/panes/chat/chat_pane.py" line="397"/>
        <location filename="../../gui/panes/chat/chat_pane.py" line="419"/>
        <source>Could not export the conversation</source>
        <translation>会話をエクスポートできませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="408"/>
        <location filename="../../gui/panes/chat/chat_pane.py" line="416"/>
        <source>Could not import {name}: {error}</source>
        <translation>{name} をインポートできませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="425"/>
        <source>Export conversation</source>
        <translation>会話をエクスポート</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="426"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="426"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="431"/>
        <source>Could not write {path}: {error}</source>
        <translation>{path} に書き込めませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="434"/>
        <source>Import conversation</source>
        <translation>会話をインポート</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="435"/>
        <source>Hearth conversation (*.json)</source>
        <translation>Hearth の会話 (*.json)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="459"/>
        <source>Could not save the chat settings: {error}</source>
        <translation>チャットの設定を保存できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="463"/>
        <source>Load a model first: defaults are saved per model.</source>
        <translation>先にモデルを読み込んでください。既定値はモデルごとに保存されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="473"/>
        <source>Could not save the preset: {error}</source>
        <translation>プリセットを保存できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="477"/>
        <source>Could not delete the preset: {error}</source>
        <translation>プリセットを削除できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="480"/>
        <source>Could not read the presets</source>
        <translation>プリセットを読み込めませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="530"/>
        <source>Load a model first: pick one above and press Load.</source>
        <translation>先にモデルを読み込んでください。上で選んで「読み込む」を押します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="541"/>
        <source>The model is writing a summary: this reply starts when the summary is done (or stop the summary on the Summarise pane).</source>
        <translation>モデルは要約を作成中です。この返信は要約が終わってから始まります（要約は「要約」タブで停止できます）。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="590"/>
        <source>Edit and resend</source>
        <translation>編集して再送信</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="590"/>
        <source>Resending replaces the messages after this one:</source>
        <translation>再送信すると、このメッセージ以降が置き換わります:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="615"/>
        <source>Could not save the reply: {error}</source>
        <translation>応答を保存できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/chat_pane.py" line="645"/>
        <source>The conversation no longer fits the model&apos;s context: the {n} oldest messages are outside the model&apos;s memory.</source>
        <translation>会話がモデルのコンテキストに収まらなくなりました。古いメッセージ {n} 件はモデルの記憶の範囲外です。</translation>
    </message>
</context>
<context>
    <name>ChatSettingsPanel</name>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="19"/>
        <source>Managed by your administrator</source>
        <translation>管理者が設定しています</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="23"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="24"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="25"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="26"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="27"/>
        <source>Repeat penalty</source>
        <translation>繰り返しペナルティ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="28"/>
        <source>Max tokens</source>
        <translation>最大トークン数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="67"/>
        <source>System prompt (optional): how the assistant should behave</source>
        <translation>システムプロンプト(任意): アシスタントの振る舞いを指定します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="70"/>
        <location filename="../../gui/panes/chat/settings_panel.py" line="186"/>
        <source>System prompt</source>
        <translation>システムプロンプト</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="75"/>
        <source>Presets…</source>
        <translation>プリセット…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="81"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="82"/>
        <source>Save this system prompt as a preset</source>
        <translation>このシステムプロンプトをプリセットとして保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="86"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="87"/>
        <source>Delete the selected preset</source>
        <translation>選択したプリセットを削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="92"/>
        <source>Sampling</source>
        <translation>サンプリング</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="106"/>
        <source>random</source>
        <translation>ランダム</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="108"/>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="110"/>
        <source>Model loading</source>
        <translation>モデルの読み込み</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="114"/>
        <source>model default</source>
        <translation>モデルの既定値</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="116"/>
        <source>Context length</source>
        <translation>コンテキスト長</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="120"/>
        <source>GPU layers: auto fits free VRAM, all offloads everything, or a number</source>
        <translation>GPU レイヤー数: auto は空き VRAM に合わせ、all はすべてを GPU に載せます。数値でも指定できます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="122"/>
        <source>GPU layers</source>
        <translation>GPU レイヤー数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="124"/>
        <source>Reload model</source>
        <translation>モデルを再読み込み</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="125"/>
        <source>Load the model again with these context and GPU settings</source>
        <translation>このコンテキストと GPU の設定でモデルを読み込み直します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="129"/>
        <source>Reset to defaults</source>
        <translation>既定値に戻す</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="132"/>
        <source>Save as this model&apos;s defaults</source>
        <translation>このモデルの既定値として保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="187"/>
        <source>(managed by your administrator)</source>
        <translation>(管理者が設定)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="267"/>
        <source>Save preset</source>
        <translation>プリセットを保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/settings_panel.py" line="267"/>
        <source>Preset name:</source>
        <translation>プリセット名:</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="27"/>
        <source>(incomplete) — the reply was cut short</source>
        <translation>(未完) — 応答が途中で切れました</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="30"/>
        <source>messages above are outside the model&apos;s memory (context window full)</source>
        <translation>ここより上のメッセージはモデルの記憶の範囲外です(コンテキストがいっぱいです)</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="35"/>
        <source>You</source>
        <translation>あなた</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="36"/>
        <source>Assistant</source>
        <translation>アシスタント</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="37"/>
        <source>System</source>
        <translation>システム</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="98"/>
        <source>Show {n} earlier messages</source>
        <translation>以前のメッセージ {n} 件を表示</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="116"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="116"/>
        <source>Edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="122"/>
        <source>(incomplete)</source>
        <translation>(未完)</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="286"/>
        <source>Write an email with your email program?</source>
        <translation>メールソフトでメールを作成しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="288"/>
        <source>Open this link in your browser?</source>
        <translation>このリンクをブラウザーで開きますか?</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/chat_view.py" line="291"/>
        <source>Open link</source>
        <translation>リンクを開く</translation>
    </message>
</context>
<context>
    <name>CollectionList</name>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="73"/>
        <source>No collections yet.
Drop files or folders here, or press New collection…</source>
        <translation>コレクションはまだありません。
ここにファイルやフォルダーをドロップするか、「新しいコレクション…」を押してください</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="121"/>
        <source>Files and folders:</source>
        <translation>ファイルとフォルダー:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="123"/>
        <source>Indexed {when}</source>
        <translation>インデックス作成 {when}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="126"/>
        <source>Could not be read:</source>
        <translation>読めなかった文書:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="129"/>
        <source>… and {n} more</source>
        <translation>…ほか {n} 件</translation>
    </message>
</context>
<context>
    <name>ColumnView</name>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="257"/>
        <source>Waiting…</source>
        <translation>待機中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="271"/>
        <source>The answer appears here as it is written.</source>
        <translation>回答は生成されるとここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="298"/>
        <source>Loading… {percent}</source>
        <translation>読み込み中… {percent}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="299"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="304"/>
        <source>Loaded in {time} · writing…</source>
        <translation>{time}で読み込み完了 · 生成中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="310"/>
        <source>Writing…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="326"/>
        <source>stopped at the token limit</source>
        <translation>トークン上限で停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="326"/>
        <location filename="../../gui/panes/compare/widgets.py" line="327"/>
        <source>finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="327"/>
        <source>stopped</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="328"/>
        <source>Done: {reason}</source>
        <translation>完了: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="329"/>
        <source>Stopped: the text so far is kept</source>
        <translation>停止: ここまでの文章は残ります</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="336"/>
        <source>Load</source>
        <translation>読み込む</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="336"/>
        <source>First token</source>
        <translation>最初のトークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="338"/>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="338"/>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="339"/>
        <source>Tokens</source>
        <translation>トークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="339"/>
        <source>{inp} in · {out} out</source>
        <translation>入力 {inp} · 出力 {out}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="341"/>
        <source>Peak memory</source>
        <translation>最大メモリ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="351"/>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
</context>
<context>
    <name>ComparePane</name>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="43"/>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="43"/>
        <source>At the same time</source>
        <translation>同時に実行</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="44"/>
        <source>One after another</source>
        <translation>順番に実行</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="45"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF モデル (*.gguf);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="46"/>
        <source>Managed by your administrator</source>
        <translation>管理者が設定しています</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="177"/>
        <source>Run:</source>
        <translation>実行方法:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="182"/>
        <source>Automatic: at the same time when the models fit in memory together and the CPU cores can be split, otherwise one after another</source>
        <translation>自動: モデルが同時にメモリに収まり CPU コアを分け合えるときは同時に、そうでなければ順番に実行します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="192"/>
        <source>Models to compare (2–4)</source>
        <translation>比較するモデル(2〜4 個)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="194"/>
        <source>Blind comparison: the models are hidden until you vote (or press Reveal).</source>
        <translation>ブラインド比較: 投票する(または「公開」を押す)までモデルは伏せられます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="203"/>
        <source>Side by side</source>
        <translation>並べて比較</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="205"/>
        <source>Question sets</source>
        <translation>問題セット</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="207"/>
        <source>Leaderboard</source>
        <translation>リーダーボード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="263"/>
        <source>Choose a GGUF model</source>
        <translation>GGUF モデルを選択</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="279"/>
        <source>Choose at least two models.</source>
        <translation>モデルを 2 つ以上選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="282"/>
        <location filename="../../gui/panes/compare/compare_pane.py" line="295"/>
        <source>Planning…</source>
        <translation>計画中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="289"/>
        <location filename="../../gui/panes/compare/compare_pane.py" line="299"/>
        <source>Plan: {plan}</source>
        <translation>計画: {plan}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/compare_pane.py" line="350"/>
        <source>Could not save to the database: {error}</source>
        <translation>データベースに保存できませんでした: {error}</translation>
    </message>
</context>
<context>
    <name>CompareWidgets</name>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="13"/>
        <source>— none —</source>
        <translation>— なし —</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="366"/>
        <source>Rank</source>
        <translation>順位</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="366"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="366"/>
        <source>Rating</source>
        <translation>レーティング</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="367"/>
        <source>95 % interval</source>
        <translation>95% 区間</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="367"/>
        <source>Votes</source>
        <translation>投票数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="367"/>
        <source>W / L / T</source>
        <translation>勝 / 負 / 分</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="368"/>
        <source>Both bad</source>
        <translation>どちらも悪い</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="28"/>
        <source>＋ New chat</source>
        <translation>＋ 新しいチャット</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="33"/>
        <source>Rename, export, import</source>
        <translation>名前の変更、エクスポート、インポート</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="36"/>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="37"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="39"/>
        <source>Export as Markdown…</source>
        <translation>Markdown でエクスポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="40"/>
        <source>Export as JSON…</source>
        <translation>JSON でエクスポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="41"/>
        <source>Import JSON…</source>
        <translation>JSON をインポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="46"/>
        <source>Search all messages…</source>
        <translation>すべてのメッセージを検索…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="64"/>
        <source>Conversation deleted.</source>
        <translation>会話を削除しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="66"/>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="88"/>
        <source>{n} messages · {when}</source>
        <translation>{n} 件のメッセージ · {when}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="109"/>
        <source>No messages match.</source>
        <translation>一致するメッセージはありません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/chat/conversation_list.py" line="122"/>
        <source>Deleted “{title}”.</source>
        <translation>「{title}」を削除しました。</translation>
    </message>
</context>
<context>
    <name>CuratedCard</name>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="55"/>
        <source>licence {licence}</source>
        <translation>ライセンス {licence}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="56"/>
        <source>gated</source>
        <translation>利用申請が必要</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="69"/>
        <source>checked on Hugging Face</source>
        <translation>Hugging Face で確認済み</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="72"/>
        <source>estimated from the catalogue</source>
        <translation>カタログからの見積もり</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="76"/>
        <source>Best here: {quant} (≈ {size})</source>
        <translation>このマシンでの最適: {quant}(約 {size})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="83"/>
        <source>&lt;i&gt;Estimating how it fits this machine…&lt;/i&gt;</source>
        <translation>&lt;i&gt;このマシンでの動作を見積もっています…&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="85"/>
        <source>Estimated from the catalogue shipped with Hearth (file sizes and model shape), without going online. Check on Hugging Face reads the real files.</source>
        <translation>Hearth 同梱のカタログ(ファイルサイズとモデル構造)からオフラインで見積もりました。「Hugging Face で確認」で実際のファイルを読み取ります。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="88"/>
        <source>Download</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="95"/>
        <source>This file will probably not fit in memory here</source>
        <translation>このファイルはこのマシンのメモリに収まらない可能性が高いです</translation>
    </message>
</context>
<context>
    <name>CuratedModels</name>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="21"/>
        <source>Tiny and fast; runs on any machine. Good for quick tests and simple rewriting.</source>
        <translation>小さくて高速。どのマシンでも動きます。簡単な試用や書き換えに向いています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="22"/>
        <source>Meta&apos;s smallest chat model; quick answers and summaries on laptops.</source>
        <translation>Meta の最小のチャットモデル。ノート PC でも素早く回答・要約します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="23"/>
        <source>Small multilingual assistant with a long context; fine on CPU.</source>
        <translation>長いコンテキストに対応した小型の多言語アシスタント。CPU でも十分動きます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="24"/>
        <source>Google&apos;s compact chat model; fluent writing for its size.</source>
        <translation>Google のコンパクトなチャットモデル。サイズの割に流暢な文章を書きます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="25"/>
        <source>A capable everyday assistant that still runs well without a GPU.</source>
        <translation>GPU がなくても快適に動く、日常使いに十分なアシスタント。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="26"/>
        <source>Meta&apos;s 3B chat model: good summaries and instruction following.</source>
        <translation>Meta の 3B チャットモデル。要約と指示への追従が得意です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="27"/>
        <source>Microsoft&apos;s small model, strong at reasoning and code for its size.</source>
        <translation>Microsoft の小型モデル。サイズの割に推論とコードに強いです。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="28"/>
        <source>A well-rounded 7B assistant; best with 8 GB of free memory or a GPU.</source>
        <translation>バランスの良い 7B アシスタント。空きメモリ 8 GB 以上か GPU があると最適です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="29"/>
        <source>Strong general, multilingual and coding assistant; wants a GPU or plenty of RAM.</source>
        <translation>汎用・多言語・コーディングに強いアシスタント。GPU か十分な RAM が必要です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="30"/>
        <source>Meta&apos;s popular 8B chat model with a 128K context.</source>
        <translation>Meta の人気の 8B チャットモデル。128K のコンテキストに対応。</translation>
    </message>
</context>
<context>
    <name>DataMove</name>
    <message>
        <location filename="../../gui/settings/data_move.py" line="47"/>
        <source>Moving Hearth&apos;s data to %1…</source>
        <translation>Hearth のデータを %1 へ移動しています…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/data_move.py" line="48"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/settings/data_move.py" line="49"/>
        <location filename="../../gui/settings/data_move.py" line="134"/>
        <source>Moving data</source>
        <translation>データの移動</translation>
    </message>
    <message>
        <location filename="../../gui/settings/data_move.py" line="75"/>
        <source>Cancelling; putting everything back…</source>
        <translation>キャンセルしています。すべて元に戻しています…</translation>
    </message>
</context>
<context>
    <name>DiscoverView</name>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="36"/>
        <source>Search GGUF models on Hugging Face (e.g. qwen 7b instruct)</source>
        <translation>Hugging Face で GGUF モデルを検索(例: qwen 7b instruct)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="41"/>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="47"/>
        <source>Type a name and press Search, or press Search with an empty box for the most downloaded GGUF models. Nothing is sent to Hugging Face until you search.</source>
        <translation>名前を入力して「検索」を押してください。空欄のまま検索すると、ダウンロード数の多い GGUF モデルを表示します。検索するまで Hugging Face には何も送信されません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="76"/>
        <source>Select a model to see its files and card</source>
        <translation>モデルを選ぶと、ファイルとモデルカードが表示されます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="105"/>
        <source>Download</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="114"/>
        <source>The model card appears here.</source>
        <translation>ここにモデルカードが表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="132"/>
        <source>Searching…</source>
        <translation>検索中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="153"/>
        <source>{n} GGUF repositories for “{q}”</source>
        <translation>「{q}」の GGUF リポジトリ {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="153"/>
        <source>{n} GGUF repositories</source>
        <translation>GGUF リポジトリ {n} 件</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="155"/>
        <source>No GGUF repositories found for “{q}”</source>
        <translation>「{q}」の GGUF リポジトリが見つかりません</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="155"/>
        <source>No GGUF repositories found</source>
        <translation>GGUF リポジトリが見つかりません</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="159"/>
        <source>Search failed.</source>
        <translation>検索に失敗しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="178"/>
        <source>by {author}</source>
        <translation>作成者 {author}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="179"/>
        <source>{n} downloads</source>
        <translation>{n} ダウンロード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="180"/>
        <source>{n} likes</source>
        <translation>{n} いいね</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="181"/>
        <source>licence {licence}</source>
        <translation>ライセンス {licence}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="182"/>
        <source>updated {date}</source>
        <translation>{date} 更新</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="183"/>
        <source>gated: needs an access token</source>
        <translation>利用申請が必要: アクセストークンが要ります</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="185"/>
        <source>Reading the files and their headers…</source>
        <translation>ファイルとヘッダーを読み取っています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="226"/>
        <source>This repository has no GGUF files.</source>
        <translation>このリポジトリには GGUF ファイルがありません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="229"/>
        <source>★ marks the best file for this machine.</source>
        <translation>★ はこのマシンに最適なファイルです。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="233"/>
        <source>None of these files fits in this machine&apos;s memory.</source>
        <translation>このマシンのメモリに収まるファイルはありません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="244"/>
        <source>vision projector</source>
        <translation>画像プロジェクター</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="249"/>
        <source>Largest context that fits: {ctx}</source>
        <translation>収まる最大コンテキスト: {ctx}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="250"/>
        <source>(fully on GPU up to {ctx})</source>
        <translation>({ctx} までは全て GPU 上)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="253"/>
        <source>{n} parts</source>
        <translation>{n} 分割</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="257"/>
        <source>Needs about {ram} RAM and {vram} VRAM at context {ctx}</source>
        <translation>コンテキスト {ctx} で RAM 約 {ram}、VRAM 約 {vram} が必要です</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="258"/>
        <source>Needs about {ram} RAM at context {ctx}</source>
        <translation>コンテキスト {ctx} で RAM 約 {ram} が必要です</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="263"/>
        <source>Best file for this machine</source>
        <translation>このマシンに最適なファイル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="278"/>
        <source>The files could not be listed.</source>
        <translation>ファイルの一覧を取得できませんでした。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="293"/>
        <source>This file will probably not fit in memory here</source>
        <translation>このファイルはこのマシンのメモリに収まらない可能性が高いです</translation>
    </message>
</context>
<context>
    <name>DownloadsView</name>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="15"/>
        <source>Queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="15"/>
        <source>Downloading</source>
        <translation>ダウンロード中</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="16"/>
        <source>Verifying</source>
        <translation>検証中</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="16"/>
        <source>Paused</source>
        <translation>一時停止中</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="17"/>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="17"/>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="18"/>
        <source>Cancelled</source>
        <translation>キャンセル済み</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="45"/>
        <location filename="../../gui/panes/models/downloads_view.py" line="168"/>
        <source>No downloads yet. Pick a model in Discover or Welcome.</source>
        <translation>ダウンロードはまだありません。「探す」または「ようこそ」でモデルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="55"/>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="56"/>
        <location filename="../../gui/panes/models/downloads_view.py" line="183"/>
        <location filename="../../gui/panes/models/downloads_view.py" line="194"/>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="57"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="58"/>
        <location filename="../../gui/panes/models/downloads_view.py" line="189"/>
        <source>Remove from list</source>
        <translation>一覧から外す</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="93"/>
        <source>repository unknown</source>
        <translation>リポジトリ不明</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="95"/>
        <location filename="../../gui/panes/models/downloads_view.py" line="127"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="98"/>
        <source>Found, not in the queue</source>
        <translation>検出(キューにありません)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="98"/>
        <source>Found, repository unknown</source>
        <translation>検出(リポジトリ不明)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="99"/>
        <source>A partial download whose queue entry was lost. Resume continues it from this file; Delete frees the space.</source>
        <translation>キューの記録が失われた途中までのダウンロードです。「再開」でこのファイルから続行し、「削除」で容量を空けます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="101"/>
        <source>A partial download whose origin is unknown: download the same file again to continue it, or delete it.</source>
        <translation>入手元が不明な途中までのダウンロードです。同じファイルをもう一度ダウンロードすると続きから再開します。不要なら削除してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="134"/>
        <source>Failed: {error}</source>
        <translation>失敗: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="165"/>
        <source>{n} partial download(s) found without a queue entry: resume or delete them.</source>
        <translation>キューにない途中までのダウンロードが {n} 件見つかりました。再開するか削除してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="171"/>
        <source>{n} download(s) in progress or queued · {left} to go. Paused and interrupted downloads continue where they stopped, even after a restart.</source>
        <translation>{n} 件のダウンロードが進行中または待機中 · 残り {left}。一時停止・中断したダウンロードは、再起動後も止めたところから再開します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="175"/>
        <source>Nothing downloading. Paused downloads continue where they stopped.</source>
        <translation>ダウンロード中のものはありません。一時停止したダウンロードは止めたところから再開します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="185"/>
        <source>Delete file</source>
        <translation>ファイルを削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="194"/>
        <source>Retry</source>
        <translation>再試行</translation>
    </message>
</context>
<context>
    <name>EndpointsTab</name>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="163"/>
        <source>&lt;b&gt;Company inference servers&lt;/b&gt;</source>
        <translation>&lt;b&gt;社内の推論サーバー&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="165"/>
        <source>Servers that speak the OpenAI-compatible API can be model sources beside your own models; their models are marked “remote” with the host name. Your text is sent to that server when you use one. Nothing is contacted until you press Test or pick a remote model.</source>
        <translation>OpenAI 互換 API を話すサーバーを、手元のモデルと並ぶモデルの入手先として使えます。そのモデルには「リモート」とホスト名が表示されます。使うと入力したテキストはそのサーバーに送信されます。「テスト」を押すかリモートモデルを選ぶまで、どこにも接続しません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="178"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="178"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="178"/>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="178"/>
        <source>TLS verification</source>
        <translation>TLS 検証</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="179"/>
        <source>API key</source>
        <translation>API キー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="179"/>
        <source>Added by</source>
        <translation>追加した人</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="184"/>
        <source>Add…</source>
        <translation>追加…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="186"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="188"/>
        <source>Test</source>
        <translation>テスト</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="189"/>
        <source>Ask the server for its models (GET /v1/models)</source>
        <translation>サーバーにモデルの一覧を問い合わせます (GET /v1/models)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="254"/>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="256"/>
        <source>on (CA bundle {file})</source>
        <translation>オン(CA バンドル {file})</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="258"/>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="261"/>
        <source>set</source>
        <translation>設定済み</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="262"/>
        <source>set, sent unencrypted (http://)</source>
        <translation>設定済み(http:// で暗号化されずに送信)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="262"/>
        <source>set, not sent over http://</source>
        <translation>設定済み(http:// では送信しません)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="261"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="261"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="262"/>
        <source>you</source>
        <translation>あなた</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="262"/>
        <source>🔒 administrator</source>
        <translation>🔒 管理者</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="267"/>
        <location filename="../../gui/settings/endpoints_tab.py" line="304"/>
        <source>Set by your administrator: it cannot be removed here.</source>
        <translation>管理者が設定しています。ここでは削除できません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="305"/>
        <source>Remove the server and its API key</source>
        <translation>サーバーとその API キーを削除します</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="327"/>
        <source>Adding {name}…</source>
        <translation>{name} を追加しています…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="344"/>
        <source>Added {name}. Nothing was contacted: press Test to list its models. Your text is sent to {host} when you use them.</source>
        <translation>{name} を追加しました。まだ接続していません。「テスト」を押すとモデルの一覧を取得します。そのモデルを使うと、入力したテキストは {host} に送信されます。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="364"/>
        <source>{name} is set by your administrator and cannot be removed here.</source>
        <translation>{name} は管理者が設定しているため、ここでは削除できません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="376"/>
        <source>Removed {name} and its API key.</source>
        <translation>{name} とその API キーを削除しました。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/endpoints_tab.py" line="396"/>
        <source>Testing {name}…</source>
        <translation>{name} をテストしています…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/endpoints_tab.py" line="412"/>
        <source>{name}: {host} answered in {ms} ms with %n model(s).</source>
        <translation>
            <numerusform>{name}: {host} が {ms} ミリ秒で応答しました(モデル %n 個)。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EngineMessages</name>
    <message>
        <location filename="../../gui/engine_messages.py" line="62"/>
        <source>{reason} This packaged build's llama.cpp ({variant}) still executed an instruction this processor ({cpu}) or its operating system does not allow: send the log folder (Help → Open the log folder) to whoever installed Hearth.</source>
        <translation>{reason}このパッケージ版の llama.cpp ({variant}) は、このプロセッサー ({cpu}) または OS が許可しない命令をまだ実行しています。ログフォルダー (ヘルプ → ログフォルダーを開く) を Hearth をインストールした担当者に送ってください。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>one after another, as chosen</source>
        <translation>選んだとおり順番に実行</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>at the same time, as chosen, though they may not fit in memory together ({plan_memory})</source>
        <translation>選んだとおり同時に実行(ただし同時にはメモリに収まらないかもしれません: {plan_memory})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>at the same time, as chosen, though {cores} CPU core cannot be split between {n} models</source>
        <translation>選んだとおり同時に実行(ただし CPU コア {cores} 個を {n} 個のモデルで分けることはできません)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>at the same time, as chosen, though {cores} CPU cores cannot be split between {n} models</source>
        <translation>選んだとおり同時に実行(ただし CPU コア {cores} 個を {n} 個のモデルで分けることはできません)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>at the same time, as chosen ({plan_memory})</source>
        <translation>選んだとおり同時に実行({plan_memory})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>one model: nothing to run beside it</source>
        <translation>モデルは 1 つ: 並べて実行するものはありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>one after another: not enough memory for {plan_models} ({plan_memory})</source>
        <translation>順番に実行: {plan_models}を同時に載せるメモリが足りません({plan_memory})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>one after another: not enough GPU memory for {plan_models} ({plan_memory})</source>
        <translation>順番に実行: {plan_models}を同時に載せる GPU メモリが足りません({plan_memory})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>one after another: {cores} CPU core cannot be split between {n} models</source>
        <translation>順番に実行: CPU コア {cores} 個を {n} 個のモデルで分けることはできません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>one after another: {cores} CPU cores cannot be split between {n} models</source>
        <translation>順番に実行: CPU コア {cores} 個を {n} 個のモデルで分けることはできません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>at the same time: {plan_models} fit in memory ({plan_memory}) and the {cores} CPU cores are split between them</source>
        <translation>同時に実行: {plan_models}がメモリに収まり({plan_memory})、CPU コア {cores} 個を分け合います</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>needs {need}, {free} free; GPU {gpu_need} of {gpu_free} free</source>
        <translation>必要 {need}、空き {free}。GPU は必要 {gpu_need}、空き {gpu_free}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>needs {need}, {free} free</source>
        <translation>必要 {need}、空き {free}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>both</source>
        <translation>両方のモデル</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="460"/>
        <source>all {n}</source>
        <translation>{n} 個すべてのモデル</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="29"/>
        <source>The model could not be loaded: {reason}</source>
        <translation>モデルを読み込めませんでした: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="30"/>
        <source>The model library could not be listed: {reason}</source>
        <translation>モデルライブラリの一覧を取得できませんでした: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="31"/>
        <source>The starter model could not be prepared: {reason}</source>
        <translation>スターターモデルを準備できませんでした: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="32"/>
        <source>Generation failed: {reason}</source>
        <translation>生成に失敗しました: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="33"/>
        <source>The summary could not be planned: {reason}</source>
        <translation>要約の計画を立てられませんでした: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="34"/>
        <source>The summary failed: {reason}</source>
        <translation>要約に失敗しました: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="35"/>
        <source>{reason} The parts already summarised are kept; start again to resume.</source>
        <translation>{reason}要約済みの部分は保存されています。もう一度開始すると再開します。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="37"/>
        <source>{reason} Your conversation is kept; send again to restart the model.</source>
        <translation>{reason}会話は保存されています。もう一度送信するとモデルを再起動します。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="39"/>
        <source>Load a model first: pick one above and press Load.</source>
        <translation>先にモデルを読み込んでください。上で選んで「読み込む」を押します。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="40"/>
        <source>Stopped: {n} part kept; start again to resume.</source>
        <translation>停止しました: {n} 件の部分を保存しました。もう一度開始すると再開します。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="41"/>
        <source>Stopped: {n} parts kept; start again to resume.</source>
        <translation>停止しました: {n} 件の部分を保存しました。もう一度開始すると再開します。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="42"/>
        <source>Stopped before the first part was finished; start again to begin.</source>
        <translation>最初の部分が終わる前に停止しました。もう一度開始すると最初から始めます。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="43"/>
        <source>the summary was stopped before it started</source>
        <translation>要約は開始前に停止されました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="45"/>
        <source>{reason} The model could not be loaded.</source>
        <translation>{reason}モデルを読み込めませんでした。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="46"/>
        <source>The model process stopped: {reason}. Last message from llama.cpp: {clue}</source>
        <translation>モデルのプロセスが停止しました: {reason}。llama.cpp の最後のメッセージ: {clue}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="47"/>
        <source>The model process stopped: {reason}.</source>
        <translation>モデルのプロセスが停止しました: {reason}。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="48"/>
        <source>{reason} The next reply runs without llama.cpp's extra CPU kernels.</source>
        <translation>{reason}次の返答からは llama.cpp の追加 CPU カーネルを使わずに動かします。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="48"/>
        <source>{reason} This copy of llama.cpp was built for CPU features this processor does not offer ({missing}; built for {built}): reinstall it for a baseline CPU with {command}.</source>
        <translation>{reason}この llama.cpp は、このプロセッサーにない CPU 機能 ({missing}) を使うようにビルドされています (ビルド時の対象: {built})。基本的な CPU 向けに入れ直してください: {command}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="48"/>
        <source>{reason} This copy of llama.cpp was built for {built} and still executed an instruction this processor ({cpu}) or its operating system does not allow: reinstall it for a baseline CPU with {command}.</source>
        <translation>{reason}この llama.cpp は {built} 向けにビルドされていますが、このプロセッサー ({cpu}) または OS が許可しない命令を実行しました。基本的な CPU 向けに入れ直してください: {command}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="48"/>
        <source>{reason} This copy of llama.cpp executed an instruction this processor or its operating system does not allow: reinstall it for a baseline CPU with {command}.</source>
        <translation>{reason}この llama.cpp は、このプロセッサーまたは OS が許可しない命令を実行しました。基本的な CPU 向けに入れ直してください: {command}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="48"/>
        <source>The extra CPU kernels of llama.cpp (AMX matrix tiles and repacked weights) crashed this processor with an illegal instruction, so Hearth switched them off for this computer: replies still work, prompts may be read more slowly.</source>
        <translation>llama.cpp の追加 CPU カーネル (AMX の行列タイルと再配置された重み) がこのプロセッサーで不正な命令により停止したため、Hearth はこのコンピューターではそれらを無効にしました。返答はこれまでどおり動きますが、プロンプトの読み込みが遅くなることがあります。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="48"/>
        <source>it stopped responding</source>
        <translation>応答しなくなりました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="49"/>
        <source>it was killed (SIGKILL — often the system running out of memory)</source>
        <translation>強制終了されました(SIGKILL — 多くはシステムのメモリ不足が原因です)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="50"/>
        <source>llama.cpp aborted (SIGABRT)</source>
        <translation>llama.cpp が異常終了しました (SIGABRT)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="51"/>
        <source>it crashed (SIGSEGV)</source>
        <translation>クラッシュしました (SIGSEGV)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="52"/>
        <source>it was ended by {signal}</source>
        <translation>{signal} によって終了しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="53"/>
        <source>it exited with code {code}</source>
        <translation>終了コード {code} で終了しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="54"/>
        <source>the model process did not answer in time and was stopped</source>
        <translation>モデルのプロセスが時間内に応答しなかったため停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="55"/>
        <source>no model is loaded</source>
        <translation>モデルが読み込まれていません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="56"/>
        <source>the model does not fit in memory, even with no layers on the GPU and a context of {n}</source>
        <translation>GPU にレイヤーを載せず、コンテキストを {n} にしても、モデルがメモリに収まりません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="59"/>
        <source>will not fit</source>
        <translation>収まりません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="60"/>
        <source>runs fully on GPU</source>
        <translation>すべて GPU で動作</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="62"/>
        <source>on the CPU ({backend} build)</source>
        <translation>CPU で動作（{backend} 版のビルド）</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="63"/>
        <source>on the CPU</source>
        <translation>CPU で動作</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="64"/>
        <source>{layers} of {total} layers on the GPU ({backend}): {figures}</source>
        <translation>{total} 層中 {layers} 層を GPU（{backend}）で実行: {figures}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="65"/>
        <source>{layers} of {total} layers on the GPU ({backend})</source>
        <translation>{total} 層中 {layers} 層を GPU（{backend}）で実行</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="66"/>
        <source>llama.cpp was built for {backend} but found no usable GPU, so the model runs on the CPU</source>
        <translation>llama.cpp は {backend} 向けにビルドされていますが、使える GPU が見つからないため、モデルは CPU で動作します</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="68"/>
        <source>context reduced from {asked} to {got} to fit in memory</source>
        <translation>メモリに収めるため、コンテキストを {asked} から {got} に減らしました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="69"/>
        <source>loaded with no layers on the GPU after the model process crashed at {n} layers (most likely out of GPU memory)</source>
        <translation>GPU に {n} 層を載せたところでモデルのプロセスが異常終了したため（GPU メモリ不足の可能性が高い）、GPU を使わずに読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="71"/>
        <source>loaded with {got} layer on the GPU after the model process crashed at {n} layers (most likely out of GPU memory)</source>
        <translation>GPU に {n} 層を載せたところでモデルのプロセスが異常終了したため（GPU メモリ不足の可能性が高い）、GPU に {got} 層を載せて読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="73"/>
        <source>loaded with {got} layers on the GPU after the model process crashed at {n} layers (most likely out of GPU memory)</source>
        <translation>GPU に {n} 層を載せたところでモデルのプロセスが異常終了したため（GPU メモリ不足の可能性が高い）、GPU に {got} 層を載せて読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="75"/>
        <source>loaded with {got} of {total} layers on the GPU after running out of GPU memory at {n} layers in the first full-context decode</source>
        <translation>最初のコンテキスト全体のデコードで {n} 層では GPU メモリが足りなかったため、{total} 層中 {got} 層を GPU に載せて読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="77"/>
        <source>loaded with {got} of {total} layers on the GPU after running out of GPU memory at {n} layers</source>
        <translation>{n} 層では GPU メモリが足りなかったため、{total} 層中 {got} 層を GPU に載せて読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="79"/>
        <source>loaded with no layers on the GPU after running out of GPU memory at {n} layers in the first full-context decode</source>
        <translation>最初のコンテキスト全体のデコードで {n} 層では GPU メモリが足りなかったため、GPU を使わずに読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="81"/>
        <source>loaded with no layers on the GPU after running out of GPU memory at {n} layers</source>
        <translation>{n} 層では GPU メモリが足りなかったため、GPU を使わずに読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="83"/>
        <source>{layers} of {total} layers on GPU</source>
        <translation>{total} レイヤー中 {layers} を GPU に</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="84"/>
        <source>CPU only</source>
        <translation>CPU のみ</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="86"/>
        <source>not a GGUF model: the file is empty</source>
        <translation>GGUF モデルではありません: ファイルが空です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="87"/>
        <source>not a GGUF model: the file has only {n} bytes</source>
        <translation>GGUF モデルではありません: ファイルが {n} バイトしかありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="88"/>
        <source>not a GGUF model: {detail}</source>
        <translation>GGUF モデルではありません: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="89"/>
        <source>unsupported GGUF version {version} (Hearth reads versions 2 and 3)</source>
        <translation>未対応の GGUF バージョン {version} です(Hearth はバージョン 2 と 3 に対応)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="90"/>
        <source>unknown tensor type {type} for tensor {tensor} (a newer format than Hearth knows?)</source>
        <translation>テンソル {tensor} のテンソル型 {type} は不明です(Hearth が知らない新しい形式かもしれません)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="92"/>
        <source>the header could not be read: not enough memory</source>
        <translation>ヘッダーを読み取れませんでした: メモリ不足です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="93"/>
        <source>not a usable model: the header has no general.architecture</source>
        <translation>使えるモデルではありません: ヘッダーに general.architecture がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="94"/>
        <source>corrupt header: {detail}</source>
        <translation>ヘッダーが壊れています: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="95"/>
        <source>file is truncated at byte {n}</source>
        <translation>ファイルが {n} バイト目で途切れています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="96"/>
        <source>file is truncated: {detail}</source>
        <translation>ファイルが途切れています: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="97"/>
        <source>{path} is a folder, not a model file</source>
        <translation>{path} はフォルダーで、モデルファイルではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="98"/>
        <source>{path} is a folder, not a document</source>
        <translation>{path} はフォルダーで、文書ではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="99"/>
        <source>{path} is not a regular file</source>
        <translation>{path} は通常のファイルではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="100"/>
        <source>cannot read {path}: permission denied</source>
        <translation>{path} を読み取れません: アクセス権がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="101"/>
        <source>cannot read {path}: no such file</source>
        <translation>{path} を読み取れません: ファイルがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="102"/>
        <source>cannot read the file: {detail}</source>
        <translation>ファイルを読み取れません: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="103"/>
        <source>no such model file: {path}</source>
        <translation>モデルファイルがありません: {path}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="104"/>
        <source>no such file: {path}</source>
        <translation>ファイルがありません: {path}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="105"/>
        <source>the library already has a model named {name}</source>
        <translation>ライブラリには既に {name} という名前のモデルがあります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="106"/>
        <source>not enough free disk space in {folder} to copy {name}</source>
        <translation>{name} をコピーするための空き容量が {folder} にありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="108"/>
        <source>the disk is full ({folder}); the partial download is kept: free some space and start it again to resume</source>
        <translation>ディスクがいっぱいです({folder})。途中までのダウンロードは残しています。空き容量を作ってからもう一度開始すると再開します</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="110"/>
        <source>not enough disk space for {name}: it needs {need} more, {free} is free on {folder}</source>
        <translation>{name} のためのディスク容量が足りません: あと {need} 必要ですが、{folder} の空きは {free} です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="112"/>
        <source>downloading {file} failed after {n} tries ({detail}); the partial file is kept: run it again to resume</source>
        <translation>{file} のダウンロードが {n} 回失敗しました({detail})。途中までのファイルは残しています。もう一度実行すると再開します</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="114"/>
        <source>downloading {file} keeps failing; giving up</source>
        <translation>{file} のダウンロードが失敗し続けるため中止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="115"/>
        <source>the file is gone from the Hub (HTTP 404): {url}</source>
        <translation>ファイルが Hub から削除されています (HTTP 404): {url}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="116"/>
        <source>the Hub answered HTTP {status} for {url}</source>
        <translation>Hub が {url} に HTTP {status} を返しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="117"/>
        <source>the Hub gave no size for {file}</source>
        <translation>Hub が {file} のサイズを返しませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="118"/>
        <source>the Hub gave no SHA-256 for {file}; Hearth only installs files it can verify</source>
        <translation>Hub が {file} の SHA-256 を返しませんでした。Hearth は検証できるファイルしかインストールしません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="120"/>
        <source>{name} matches the Hub&apos;s checksum but is not a model Hearth can load ({reason}); it was not added to the library</source>
        <translation>{name} は Hub のチェックサムと一致しましたが、Hearth が読み込めるモデルではありません({reason})。ライブラリには追加していません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="122"/>
        <source>secure connection to the Hub failed (certificate not trusted?): {detail}</source>
        <translation>Hub との安全な接続に失敗しました(証明書が信頼されていない可能性): {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="123"/>
        <source>cannot write {path}: {detail}</source>
        <translation>{path} に書き込めません: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="125"/>
        <source>the connection to {host} was cut mid-reply; the reply is incomplete ({n} tokens kept)</source>
        <translation>{host} との接続が返信の途中で切れました。返信は途中までです（{n} トークンを保持）</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="127"/>
        <source>the server at {host} stopped the reply with an error: {detail}</source>
        <translation>{host} のサーバーがエラーで返信を中断しました: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="128"/>
        <source>cannot reach {host}: it did not answer within {seconds} s</source>
        <translation>{host} に接続できません: {seconds} 秒以内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="129"/>
        <source>{host} did not answer within {seconds} s</source>
        <translation>{host} から {seconds} 秒以内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="130"/>
        <source>cannot reach {host} ({why}); check the endpoint&apos;s URL {url} and the network</source>
        <translation>{host} に接続できません（{why}）。エンドポイントの URL {url} とネットワークを確認してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="131"/>
        <source>the server at {host} needs an API key (HTTP {code}); set it with {command}</source>
        <translation>{host} のサーバーには API キーが必要です（HTTP {code}）。{command} で設定してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="132"/>
        <source>the server at {host} refused the API key (HTTP {code}); set the right one with {command}</source>
        <translation>{host} のサーバーが API キーを拒否しました（HTTP {code}）。{command} で正しいキーを設定してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="134"/>
        <source>the server at {host} has no model {model} (it has: {models})</source>
        <translation>{host} のサーバーにモデル {model} はありません（あるモデル: {models}）</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="135"/>
        <source>the server at {host} is busy (HTTP {code}) and still was after {n} tries; try again later</source>
        <translation>{host} のサーバーは混雑しています（HTTP {code}）。{n} 回試しても応答がありません。しばらくしてからやり直してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="137"/>
        <source>the server at {host} refused the request (HTTP {detail})</source>
        <translation>{host} のサーバーがリクエストを拒否しました（HTTP {detail}）</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="138"/>
        <source>the server at {host} failed (HTTP {detail})</source>
        <translation>{host} のサーバーでエラーが発生しました（HTTP {detail}）</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="139"/>
        <source>{model} is no longer loaded in Hearth</source>
        <translation>{model} は Hearth で読み込まれていません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="141"/>
        <source>cannot reach the Hub at {endpoint}: the name {host} cannot be resolved (no network, or a DNS problem)</source>
        <translation>{endpoint} の Hub に接続できません: {host} の名前解決ができません(ネットワーク未接続か DNS の問題)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="143"/>
        <source>cannot reach the Hub at {endpoint}: the connection was refused</source>
        <translation>{endpoint} の Hub に接続できません: 接続が拒否されました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="144"/>
        <source>cannot reach the Hub at {endpoint}: no answer within {seconds} s</source>
        <translation>{endpoint} の Hub に接続できません: {seconds} 秒以内に応答がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="145"/>
        <source>cannot reach the Hub at {endpoint}: {detail}</source>
        <translation>{endpoint} の Hub に接続できません: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="146"/>
        <source>{repo} is gated: accept the licence on the model page ({url}) while signed in, then give Hearth an access token: python main.py token set</source>
        <translation>{repo} は利用申請が必要です。サインインした状態でモデルページ ({url}) のライセンスに同意し、Hearth にアクセストークンを設定してください: python main.py token set</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="148"/>
        <source>the Hub refused the download (HTTP {status}): accept the licence on the model page ({url}) while signed in, then give Hearth an access token: python main.py token set</source>
        <translation>Hub がダウンロードを拒否しました (HTTP {status})。サインインした状態でモデルページ ({url}) のライセンスに同意し、Hearth にアクセストークンを設定してください: python main.py token set</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="151"/>
        <source>no repository {repo} on the Hub (or it is private and your token cannot see it)</source>
        <translation>Hub にリポジトリ {repo} がありません(または非公開で、トークンでは参照できません)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="153"/>
        <source>the Hub cannot be reached: HF_HUB_OFFLINE is set</source>
        <translation>Hub に接続できません: HF_HUB_OFFLINE が設定されています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="154"/>
        <source>the Hub answered with an error ({status}); try again later</source>
        <translation>Hub がエラーを返しました({status})。しばらくしてからもう一度お試しください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="155"/>
        <source>{reason}, so Hearth cannot store the token safely (it never writes it to a file). For this session only, set the HF_TOKEN environment variable, or use a session-only token in the app.</source>
        <translation>{reason}ため、Hearth はトークンを安全に保存できません(ファイルには決して書き込みません)。このセッションだけ使うには、環境変数 HF_TOKEN を設定するか、アプリでこのセッション限りのトークンを使ってください。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="158"/>
        <source>no system keyring backend is available</source>
        <translation>システムのキーリングが使えない</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="160"/>
        <source>browsing the Hugging Face Hub is switched off by your administrator&apos;s policy</source>
        <translation>Hugging Face Hub の閲覧は管理者のポリシーで無効にされています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="161"/>
        <source>downloading models is switched off by your administrator&apos;s policy</source>
        <translation>モデルのダウンロードは管理者のポリシーで無効にされています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="162"/>
        <source>importing models is switched off by your administrator</source>
        <translation>モデルのインポートは管理者によって無効にされています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="163"/>
        <source>serving is switched off by your administrator</source>
        <translation>API の提供は管理者によって無効にされています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="164"/>
        <source>this model is in a shared folder managed by your administrator</source>
        <translation>このモデルは管理者が管理する共有フォルダーにあります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="165"/>
        <source>offline by policy: your administrator has switched off everything online in Hearth</source>
        <translation>ポリシーによりオフライン: 管理者が Hearth のオンライン機能をすべて無効にしています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="167"/>
        <source>offline by policy: {reason}</source>
        <translation>ポリシーによりオフライン: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="168"/>
        <source>offline: HF_HUB_OFFLINE is set, so Hearth does not go online (unset it to search or download)</source>
        <translation>オフライン: HF_HUB_OFFLINE が設定されているため、Hearth はオンラインに接続しません(検索やダウンロードをするには設定を解除してください)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="170"/>
        <source>{repo} is not on your administrator&apos;s list of allowed repositories ({allowed})</source>
        <translation>{repo} は管理者の許可リストにありません({allowed})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="172"/>
        <source>the administrator&apos;s policy file {path} is invalid ({detail}); everything online is switched off until it is fixed</source>
        <translation>管理者のポリシーファイル {path} が不正です({detail})。修正されるまでオンライン機能はすべて無効です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="175"/>
        <source>one pass: the whole document ({tokens} tokens) fits the context of {ctx}</source>
        <translation>一度に処理: 文書全体({tokens} トークン)がコンテキスト {ctx} に収まります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="177"/>
        <source>{n} chunks: the document ({tokens} tokens) is larger than the context of {ctx}; each chunk is summarised, then the summaries are combined</source>
        <translation>{n} チャンク: 文書({tokens} トークン)がコンテキスト {ctx} より大きいため、チャンクごとに要約してから統合します</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="179"/>
        <source>page {page} has no text layer</source>
        <translation>{page} ページにテキスト層がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="180"/>
        <source>pages {pages} have no text layer</source>
        <translation>{pages} ページにテキスト層がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="181"/>
        <source>page {page} is damaged and was left out</source>
        <translation>{page} ページは壊れているため除外しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="182"/>
        <source>pages {pages} are damaged and were left out</source>
        <translation>{pages} ページは壊れているため除外しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="200"/>
        <source>page {page} was skipped: reading it takes longer than {n} s</source>
        <translation>{page} ページは読み取りに {n} 秒以上かかるため飛ばしました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="201"/>
        <source>pages {pages} were skipped: reading each takes longer than {n} s</source>
        <translation>{pages} ページはそれぞれ読み取りに {n} 秒以上かかるため飛ばしました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="202"/>
        <source>page {page} was not read: reading stopped after {n} pages took too long</source>
        <translation>{page} ページは読み取っていません: {n} ページで時間がかかりすぎたため読み取りを打ち切りました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="203"/>
        <source>pages {pages} were not read: reading stopped after {n} pages took too long</source>
        <translation>{pages} ページは読み取っていません: {n} ページで時間がかかりすぎたため読み取りを打ち切りました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="208"/>
        <source>page {page} was not read: the document took longer than {n} s to read</source>
        <translation>{page} ページは読み取っていません: 文書の読み取りに {n} 秒を超えました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="209"/>
        <source>pages {pages} were not read: the document took longer than {n} s to read</source>
        <translation>{pages} ページは読み取っていません: 文書の読み取りに {n} 秒を超えました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="204"/>
        <source>only the first {n} paragraphs were read; the rest of the document was left out</source>
        <translation>最初の {n} 段落だけを読み取りました。文書の残りは除外しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="206"/>
        <source>only the first {n} characters were read; the rest of the document was left out</source>
        <translation>最初の {n} 文字だけを読み取りました。文書の残りは除外しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="211"/>
        <source>the styles were not read (over {n} MB of XML): headings set by a style are not marked</source>
        <translation>スタイルは読み取っていません({n} MB の XML を超えています): スタイルで設定された見出しは示されません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="184"/>
        <source>{name}: Hearth cannot read {kind}; it reads PDF, Word (.docx), text (.txt), Markdown (.md) and HTML documents</source>
        <translation>{name}: Hearth は {kind} を読めません。対応形式は PDF、Word (.docx)、テキスト (.txt)、Markdown (.md)、HTML です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="186"/>
        <source>{name} is too large to read with the memory this computer has free</source>
        <translation>{name} はこのコンピューターの空きメモリでは読み込めないほど大きいです</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="187"/>
        <source>{name} cannot be read: the file is damaged or is not {format} ({error})</source>
        <translation>{name} を読み取れません: ファイルが壊れているか、{format} ではありません({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="188"/>
        <source>{name} is not a Word .docx document: the file is damaged or has the wrong extension</source>
        <translation>{name} は Word の .docx 文書ではありません: ファイルが壊れているか、拡張子が間違っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="190"/>
        <source>{name}: this Word document is damaged and cannot be read</source>
        <translation>{name}: この Word 文書は壊れていて読み取れません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="191"/>
        <source>{name}: this Word document is encrypted: remove the password in Word and open that copy</source>
        <translation>{name}: この Word 文書は暗号化されています。Word でパスワードを外し、そのコピーを開いてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="193"/>
        <source>{name} is an old Word 97–2003 document, not a .docx: save it as .docx in Word and open that copy</source>
        <translation>{name} は .docx ではなく古い Word 97–2003 形式の文書です。Word で .docx として保存し、そのコピーを開いてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="195"/>
        <source>{name} is not a PDF: the file is damaged or has the wrong extension</source>
        <translation>{name} は PDF ではありません: ファイルが壊れているか、拡張子が間違っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="196"/>
        <source>{name}: this PDF is encrypted: remove the password (for example by printing it to a new PDF) and open that copy</source>
        <translation>{name}: この PDF は暗号化されています。パスワードを外し(例: 新しい PDF に印刷する)、そのコピーを開いてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="198"/>
        <source>{name}: this PDF has no pages</source>
        <translation>{name}: この PDF にはページがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="199"/>
        <source>{name}: this PDF is damaged and cannot be read</source>
        <translation>{name}: この PDF は壊れていて読み取れません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="200"/>
        <source>{name}: this PDF has no text layer: it is a scan; run text recognition (OCR) on it and open the result</source>
        <translation>{name}: この PDF にはテキスト層がありません(スキャン画像です)。文字認識 (OCR) をかけてから、その結果を開いてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="202"/>
        <source>{name} is not a text file: it contains binary data</source>
        <translation>{name} はテキストファイルではありません: バイナリデータを含んでいます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="203"/>
        <source>{name} is not a text file Hearth can read: it is not UTF-8, UTF-16, Shift_JIS, EUC-JP or another known text encoding</source>
        <translation>{name} は Hearth が読めるテキストファイルではありません: UTF-8、UTF-16、Shift_JIS、EUC-JP などの既知の文字コードではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="205"/>
        <source>{name} is too large to read as text ({size} MB; the limit is {limit} MB)</source>
        <translation>{name} はテキストとして読むには大きすぎます({size} MB、上限は {limit} MB)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="206"/>
        <source>{name} has no text</source>
        <translation>{name} にはテキストがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="207"/>
        <source>{name} is empty</source>
        <translation>{name} は空です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="208"/>
        <source>{name} could not be read: {reason}</source>
        <translation>{name} を読み取れませんでした: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="209"/>
        <source>cannot read {path}: {detail}</source>
        <translation>{path} を読み取れません: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="211"/>
        <source>the data folder is set by your administrator ({path}), so it cannot be moved</source>
        <translation>データフォルダーは管理者が設定しているため({path})、移動できません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="212"/>
        <source>the data is already in {path}</source>
        <translation>データはすでに {path} にあります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="213"/>
        <source>{path} is inside the current data folder {src}; choose a folder outside it</source>
        <translation>{path} は現在のデータフォルダー {src} の中にあります。その外のフォルダーを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="214"/>
        <source>the current data folder {src} is inside {path}; choose an empty folder elsewhere</source>
        <translation>現在のデータフォルダー {src} は {path} の中にあります。別の場所にある空のフォルダーを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="216"/>
        <source>{path} is a file, not a folder; choose an empty folder or a new one</source>
        <translation>{path} はフォルダーではなくファイルです。空のフォルダーか新しいフォルダーを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="217"/>
        <source>{path} is not empty; choose an empty folder or a new one</source>
        <translation>{path} は空ではありません。空のフォルダーか新しいフォルダーを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="218"/>
        <source>{path} cannot be read ({error}); choose another folder</source>
        <translation>{path} を読み取れません({error})。別のフォルダーを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="219"/>
        <source>you cannot write to {path}; choose a folder you can write to</source>
        <translation>{path} には書き込めません。書き込めるフォルダーを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="220"/>
        <source>there is not enough free space for the data in {path}: it needs {size} and {free} is free</source>
        <translation>{path} にはデータを置く空き容量が足りません: {size} 必要ですが、空きは {free} です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="222"/>
        <source>the move was cancelled; your data is still in {src}</source>
        <translation>移動をキャンセルしました。データは {src} にそのまま残っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="223"/>
        <source>there is not enough disk space in {path} to move the data; nothing was moved and your data is still in {src}</source>
        <translation>{path} のディスクの空き容量が足りないため、データを移動できませんでした。何も移動しておらず、データは {src} にそのまま残っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="225"/>
        <source>permission was denied while moving the data to {path}; nothing was moved and your data is still in {src}</source>
        <translation>データを {path} へ移動する途中でアクセスが拒否されました。何も移動しておらず、データは {src} にそのまま残っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="227"/>
        <source>the data could not be moved to {path} ({error}); nothing was moved and your data is still in {src}</source>
        <translation>データを {path} へ移動できませんでした({error})。何も移動しておらず、データは {src} にそのまま残っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="229"/>
        <source>the data is now in {path}, but the old folder {src} could not be removed completely ({error}); delete it yourself</source>
        <translation>データは {path} に移動しましたが、元のフォルダー {src} を完全には削除できませんでした({error})。ご自身で削除してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="231"/>
        <source>the data could not be moved, and part of it could not be put back: move everything in {path} back into {src} before using Hearth</source>
        <translation>データを移動できず、一部を元に戻せませんでした。Hearth を使う前に、{path} にあるものをすべて {src} へ戻してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="233"/>
        <source>the last data move was cut short and has been undone; your data is still in {src}</source>
        <translation>前回のデータ移動は途中で中断されたため、元に戻しました。データは {src} にそのまま残っています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="288"/>
        <source>stopped before the server answered</source>
        <translation>サーバーが応答する前に停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="481"/>
        <source>{sentence}.</source>
        <translation>{sentence}。</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="236"/>
        <source>there is no message to send</source>
        <translation>送信するメッセージがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="237"/>
        <source>the message is too long for this model&apos;s context window: it needs {n} tokens, the window holds {ctx} with {reply} kept for the reply; shorten it or load the model with a larger context</source>
        <translation>メッセージがこのモデルのコンテキストウィンドウには長すぎます: {n} トークン必要ですが、ウィンドウは {ctx} トークンで、そのうち {reply} トークンは返答用に確保されています。メッセージを短くするか、より大きなコンテキストでモデルを読み込んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="240"/>
        <source>loading the model was stopped</source>
        <translation>モデルの読み込みを停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="241"/>
        <source>the first decode of the model failed (llama_decode returned {code})</source>
        <translation>モデルの最初のデコードに失敗しました(llama_decode の戻り値 {code})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="242"/>
        <source>llama_decode failed ({code}): the context may be full or out of memory</source>
        <translation>llama_decode が失敗しました({code}): コンテキストがいっぱいか、メモリが不足している可能性があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="243"/>
        <source>llama_decode failed ({code}) while generating</source>
        <translation>生成中に llama_decode が失敗しました({code})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="244"/>
        <source>the model&apos;s chat template failed: {error}</source>
        <translation>モデルのチャットテンプレートでエラーが発生しました: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="245"/>
        <source>the model did not load in time</source>
        <translation>モデルの読み込みが時間内に終わりませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="246"/>
        <source>{path} is no longer the loaded model</source>
        <translation>{path} は読み込み中のモデルではなくなりました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="248"/>
        <source>the model header has no block_count, so its layers cannot be planned</source>
        <translation>モデルのヘッダーに block_count がないため、レイヤーの配置を計画できません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="249"/>
        <source>the model header lists no tensors, so its memory cannot be planned</source>
        <translation>モデルのヘッダーにテンソルの一覧がないため、必要なメモリを計画できません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="250"/>
        <source>a quantized V cache ({type}) needs flash attention: turn flash attention on or use an f16 V cache</source>
        <translation>量子化した V キャッシュ({type})には Flash Attention が必要です。Flash Attention をオンにするか、f16 の V キャッシュを使ってください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="252"/>
        <source>the context must be at least 1 token, not {n}</source>
        <translation>コンテキストは 1 トークン以上にしてください({n} は指定できません)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="254"/>
        <source>cannot find {path}: {error}</source>
        <translation>{path} が見つかりません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="255"/>
        <source>could not copy {name}: {error}</source>
        <translation>{name} をコピーできませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="256"/>
        <source>could not delete {name}: {error}</source>
        <translation>{name} を削除できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="258"/>
        <source>{repo} is not a Hub repository id (expected owner/name)</source>
        <translation>{repo} は Hub のリポジトリ ID ではありません(「所有者/名前」の形で指定してください)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="259"/>
        <source>the Hub endpoint {endpoint} is not a URL</source>
        <translation>Hub のエンドポイント {endpoint} は URL ではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="260"/>
        <source>that revision of {repo} does not exist</source>
        <translation>{repo} の指定されたリビジョンは存在しません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="261"/>
        <source>{repo} has no GGUF file {name}; it has: {names}</source>
        <translation>{repo} に GGUF ファイル {name} はありません。あるファイル: {names}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="262"/>
        <source>{repo} has no GGUF files</source>
        <translation>{repo} には GGUF ファイルがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="263"/>
        <source>the curated model list cannot be read: {detail}</source>
        <translation>おすすめモデルの一覧を読み込めません: {detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="264"/>
        <source>the resource {name} is missing (looked in {where}); reinstall Hearth</source>
        <translation>リソース {name} が見つかりません({where} を探しました)。Hearth を再インストールしてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="265"/>
        <source>reading the header failed: HTTP {status}</source>
        <translation>ヘッダーの読み取りに失敗しました: HTTP {status}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="266"/>
        <source>{file} belongs to a download in the queue: pause or cancel it there instead</source>
        <translation>{file} はキューにあるダウンロードのファイルです。キューの側で一時停止するかキャンセルしてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="268"/>
        <source>there is no partial download named {file} in {folder}</source>
        <translation>{folder} に {file} という名前の途中までのダウンロードはありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="269"/>
        <source>cannot delete {path}: {error}</source>
        <translation>{path} を削除できません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="270"/>
        <source>checksum mismatch for {file}: the downloaded bytes differ from the file published on the Hub (expected SHA-256 {expected}…, got {got}…); the download was discarded</source>
        <translation>{file} のチェックサムが一致しません: ダウンロードした内容が Hub で公開されているファイルと異なります(期待した SHA-256 は {expected}…、実際は {got}…)。ダウンロードしたデータは破棄しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="273"/>
        <source>that does not look like a Hugging Face token</source>
        <translation>Hugging Face のトークンではないようです</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="274"/>
        <source>the keyring refused to delete the token: it reported success, but the token is still stored</source>
        <translation>キーリングがトークンを削除しませんでした: 成功と報告されましたが、トークンはまだ保存されています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="277"/>
        <source>{host} has no OpenAI-compatible API at {url} (HTTP 404 for {what}); check the endpoint&apos;s URL (it usually ends in /v1)</source>
        <translation>{host} の {url} に OpenAI 互換 API がありません({what} に対して HTTP 404)。エンドポイントの URL を確認してください(通常は /v1 で終わります)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="279"/>
        <source>the server at {host} has no model {model} (HTTP 404)</source>
        <translation>{host} のサーバーにモデル {model} がありません(HTTP 404)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="280"/>
        <source>{host} answered GET /models with something other than JSON; check the endpoint&apos;s URL {url}</source>
        <translation>{host} は GET /models に JSON 以外の応答を返しました。エンドポイントの URL {url} を確認してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="282"/>
        <source>{host} answered GET /models without a list of models; check the endpoint&apos;s URL {url}</source>
        <translation>{host} は GET /models にモデルの一覧を返しませんでした。エンドポイントの URL {url} を確認してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="284"/>
        <source>{host} answered tokenize without tokens</source>
        <translation>{host} は tokenize にトークンを返しませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="285"/>
        <source>the server at {host} has no tokenize route; tokens can only be estimated</source>
        <translation>{host} のサーバーには tokenize のルートがないため、トークン数は推定しかできません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="286"/>
        <source>the request to {host} failed ({error})</source>
        <translation>{host} へのリクエストに失敗しました({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="287"/>
        <source>stopped while the server was busy</source>
        <translation>サーバーが混み合っている間に停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="289"/>
        <source>{name} is not a usable endpoint name: use 2 to 40 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit</source>
        <translation>{name} はエンドポイント名に使えません: 英字・数字・「.」「_」「-」を 2〜40 文字で、先頭は英字か数字にしてください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="291"/>
        <source>{url} is not an http:// or https:// URL (for example https://llm.intra.example/v1)</source>
        <translation>{url} は http:// または https:// の URL ではありません(例: https://llm.intra.example/v1)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="293"/>
        <source>put the API key in the keyring (--api-key-stdin), not in the URL</source>
        <translation>API キーは URL に含めず、キーリングに保存してください(--api-key-stdin)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="294"/>
        <source>the endpoint URL must not have a query (?...) or fragment (#...)</source>
        <translation>エンドポイントの URL にクエリ (?...) やフラグメント (#...) を含めることはできません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="295"/>
        <source>{url} has an invalid port</source>
        <translation>{url} のポート番号が正しくありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="296"/>
        <source>that does not look like an API key (it has spaces or is very long)</source>
        <translation>API キーではないようです(空白を含んでいるか、長すぎます)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="297"/>
        <source>{reason}, so Hearth cannot store the API key safely (it never writes it to a file)</source>
        <translation>{reason}ため、Hearth は API キーを安全に保存できません(ファイルには決して書き込みません)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="299"/>
        <source>the keyring refused to store the API key ({error})</source>
        <translation>キーリングが API キーの保存を拒否しました({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="300"/>
        <source>the keyring refused to delete the API key of {name}: it is still stored</source>
        <translation>キーリングが {name} の API キーを削除しませんでした: まだ保存されています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="301"/>
        <source>the keyring refused to delete the API key of {name} ({error})</source>
        <translation>キーリングが {name} の API キーの削除を拒否しました({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="302"/>
        <source>there is no endpoint named {name} (known: {known})</source>
        <translation>{name} という名前のエンドポイントはありません(登録済み: {known})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="303"/>
        <source>{name} is an endpoint set by your administrator; choose another name</source>
        <translation>{name} は管理者が設定したエンドポイントです。別の名前を選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="304"/>
        <source>{name} is set by your administrator and cannot be removed here</source>
        <translation>{name} は管理者が設定しているため、ここでは削除できません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="305"/>
        <source>the CA bundle {path} is not a file</source>
        <translation>CA バンドル {path} はファイルではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="307"/>
        <source>the port must be between 0 and 65535 (got {port})</source>
        <translation>ポート番号は 0〜65535 の範囲で指定してください(指定値: {port})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="308"/>
        <source>give an address to listen on (127.0.0.1: this computer only)</source>
        <translation>待ち受けるアドレスを指定してください(127.0.0.1 はこのコンピューターからのみ)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="309"/>
        <source>serving on {host} (not this computer only) needs an API key</source>
        <translation>{host} で提供する(このコンピューター以外からも接続できる)には API キーが必要です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="310"/>
        <source>the model file {path} does not exist</source>
        <translation>モデルファイル {path} が存在しません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="311"/>
        <source>cannot listen on {host}:{port}: {error}</source>
        <translation>{host}:{port} で待ち受けできません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="312"/>
        <source>an API key for serving on {host} must be at least {n} characters long (this one has {count})</source>
        <translation>{host} で提供するための API キーは {n} 文字以上にしてください(このキーは {count} 文字です)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="314"/>
        <source>{value} is not a host name (like mypc.local or 192.168.1.20)</source>
        <translation>{value} はホスト名ではありません(例: mypc.local や 192.168.1.20)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="315"/>
        <source>{value} is not a web origin (like https://app.example or http://localhost:3000)</source>
        <translation>{value} は Web のオリジンではありません(例: https://app.example や http://localhost:3000)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="317"/>
        <source>the largest request body must be between 1 and {max} MB (got {value})</source>
        <translation>リクエスト本文の上限は 1〜{max} MB の範囲で指定してください(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="345"/>
        <source>{name} holds too many parts to be a Word document ({n}; the limit is {limit})</source>
        <translation>{name} は Word 文書としては部品が多すぎます({n} 個、上限は {limit} 個)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="347"/>
        <source>{name} looks like a zip bomb: its part {part} expands {ratio} times, to {size} MB</source>
        <translation>{name} は ZIP 爆弾の疑いがあります: 中の {part} が {ratio} 倍の {size} MB に展開されます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="349"/>
        <source>{name} is too large: its parts come to {size} MB uncompressed (the limit is {limit} MB)</source>
        <translation>{name} は大きすぎます: 展開すると全体で {size} MB になります(上限は {limit} MB)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="351"/>
        <source>{name} is too large: its part {part} is over {n} MB of XML</source>
        <translation>{name} は大きすぎます: 中の {part} が {n} MB の XML を超えています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="352"/>
        <source>{name} is too large: one paragraph or table row in it is over {n} MB of XML</source>
        <translation>{name} は大きすぎます: 段落または表の行のひとつが {n} MB の XML を超えています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="358"/>
        <source>{name} is too large: one paragraph or table row in it, or what lies between two, holds over {n} XML nodes</source>
        <translation>{name} は大きすぎます: 段落または表の行のひとつ(またはその間)に XML ノードが {n} 個を超えてあります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="353"/>
        <source>{name}: this PDF takes too long to open (over {n} s)</source>
        <translation>{name}: この PDF は開くのに時間がかかりすぎます({n} 秒を超えます)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="354"/>
        <source>{name}: this PDF takes too long to read: no page could be read within {n} s</source>
        <translation>{name}: この PDF は読み取りに時間がかかりすぎます: {n} 秒以内に読み取れたページがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="364"/>
        <source>{name}: this PDF takes too long to read: no text was read within {n} s</source>
        <translation>{name}: この PDF は読み取りに時間がかかりすぎます: {n} 秒以内に読み取れたテキストがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="313"/>
        <source>stopped reading {name}</source>
        <translation>{name} の読み込みを停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="314"/>
        <source>{path} is a folder: give a file name to export to</source>
        <translation>{path} はフォルダーです。書き出し先のファイル名を指定してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="316"/>
        <source>the summary was stopped; the parts already summarised are kept</source>
        <translation>要約を停止しました。要約済みの部分は保存されています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="317"/>
        <source>{name} has no text to summarise</source>
        <translation>{name} には要約するテキストがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="318"/>
        <source>the context of {n} tokens is too small to summarise in</source>
        <translation>コンテキストが {n} トークンでは小さすぎて要約できません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="319"/>
        <source>the context of {n} tokens leaves no room for the document after the instructions; load the model with a larger context</source>
        <translation>コンテキストが {n} トークンでは、指示文を入れると文書を入れる余地がありません。より大きなコンテキストでモデルを読み込んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="321"/>
        <source>the context of {n} tokens is too small to combine partial summaries after the instructions; load the model with a larger context</source>
        <translation>コンテキストが {n} トークンでは、指示文を入れると部分要約を統合できません。より大きなコンテキストでモデルを読み込んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="323"/>
        <source>a prompt of {n} tokens does not leave room for a reply in the context of {ctx}</source>
        <translation>{n} トークンのプロンプトでは、コンテキスト {ctx} に返答の余地が残りません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="325"/>
        <source>combining the partial summaries made no progress</source>
        <translation>部分要約の統合が先に進みませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="326"/>
        <source>there is no summary {id}</source>
        <translation>要約 {id} はありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="327"/>
        <source>summary {id} is not finished ({status}); run it again to resume</source>
        <translation>要約 {id} はまだ完了していません({status})。もう一度実行すると再開します</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="329"/>
        <source>cannot create the folder for the conversation database {path}: {error}</source>
        <translation>会話データベースのフォルダー {path} を作成できません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="330"/>
        <source>cannot open the conversation database {path}: {error}</source>
        <translation>会話データベース {path} を開けません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="331"/>
        <source>the conversation database {path} is damaged or is not a Hearth database ({error}); {detail}</source>
        <translation>会話データベース {path} は壊れているか、Hearth のデータベースではありません({error})。{detail}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="333"/>
        <source>it was kept as {path} and a new, empty database will be started</source>
        <translation>元のファイルは {path} として残し、新しい空のデータベースを使い始めます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="334"/>
        <source>it was left in place; move it away to start a new one</source>
        <translation>ファイルはそのまま残しています。新しく始めるには別の場所へ移動してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="335"/>
        <source>the conversation database {path} is damaged ({error}); close Hearth and move the file away to start a new one</source>
        <translation>会話データベース {path} が壊れています({error})。Hearth を終了し、ファイルを別の場所へ移動すると新しいデータベースで始められます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="337"/>
        <source>the conversation database was written by a newer version of Hearth (schema {version}; this version knows up to {known}): update Hearth</source>
        <translation>会話データベースは新しいバージョンの Hearth で書き込まれています(スキーマ {version}、このバージョンが扱えるのは {known} まで)。Hearth を更新してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="339"/>
        <source>the conversation database is closed</source>
        <translation>会話データベースは閉じられています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="340"/>
        <source>the conversation database refused the change: {error}</source>
        <translation>会話データベースが変更を受け付けませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="341"/>
        <source>the conversation database failed: {error}</source>
        <translation>会話データベースでエラーが発生しました: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="342"/>
        <source>no conversation with id {id}</source>
        <translation>ID {id} の会話はありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="343"/>
        <source>a conversation title cannot be empty</source>
        <translation>会話のタイトルは空にできません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="344"/>
        <source>no message with id {id} in conversation {conversation}</source>
        <translation>会話 {conversation} に ID {id} のメッセージはありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="345"/>
        <source>no message with id {id}</source>
        <translation>ID {id} のメッセージはありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="346"/>
        <source>a preset needs a name</source>
        <translation>プリセットには名前が必要です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="347"/>
        <source>no preset named {name}</source>
        <translation>{name} という名前のプリセットはありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="348"/>
        <source>this is not a Hearth conversation: expected a JSON object</source>
        <translation>Hearth の会話ではありません: JSON オブジェクトが必要です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="349"/>
        <source>this is not a Hearth conversation: &quot;format&quot; must be &quot;{format}&quot;</source>
        <translation>Hearth の会話ではありません: &quot;format&quot; は &quot;{format}&quot; である必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="350"/>
        <source>this Hearth conversation has no valid &quot;version&quot; number</source>
        <translation>この Hearth の会話には有効な &quot;version&quot; の番号がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="351"/>
        <source>this conversation was exported by a newer Hearth (format version {version}; this version reads up to {known})</source>
        <translation>この会話は新しい Hearth で書き出されています(形式のバージョン {version}、このバージョンが読めるのは {known} まで)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="353"/>
        <source>the conversation&apos;s &quot;{field}&quot; must be text</source>
        <translation>会話の &quot;{field}&quot; はテキストである必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="354"/>
        <source>the conversation&apos;s &quot;{field}&quot; must be a JSON object</source>
        <translation>会話の &quot;{field}&quot; は JSON オブジェクトである必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="355"/>
        <source>the conversation has no &quot;messages&quot; list</source>
        <translation>会話に &quot;messages&quot; のリストがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="356"/>
        <source>message {n} of the conversation is not a JSON object</source>
        <translation>会話の {n} 番目のメッセージが JSON オブジェクトではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="357"/>
        <source>message {n} has no valid &quot;role&quot; (system, user or assistant)</source>
        <translation>{n} 番目のメッセージに有効な &quot;role&quot;(system、user、assistant のいずれか)がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="358"/>
        <source>message {n} has no text in &quot;content&quot;</source>
        <translation>{n} 番目のメッセージの &quot;content&quot; にテキストがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="359"/>
        <source>message {n}: &quot;{field}&quot; must be text</source>
        <translation>{n} 番目のメッセージ: &quot;{field}&quot; はテキストである必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="360"/>
        <source>message {n}: &quot;{field}&quot; must be a JSON object</source>
        <translation>{n} 番目のメッセージ: &quot;{field}&quot; は JSON オブジェクトである必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="361"/>
        <source>message {n}: &quot;{field}&quot; must be true or false</source>
        <translation>{n} 番目のメッセージ: &quot;{field}&quot; は true か false である必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>this is not a Hearth conversation: it is nested more than {n} levels deep</source>
        <translation>Hearth の会話ではありません: 入れ子が {n} 段より深くなっています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>the conversation&apos;s setting &quot;{name}&quot; must be &quot;auto&quot;, &quot;all&quot; or a whole number of layers (not {value})</source>
        <translation>会話の設定 &quot;{name}&quot; は &quot;auto&quot;、&quot;all&quot; またはレイヤー数(整数)である必要があります(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>the conversation&apos;s setting &quot;{name}&quot; must be a whole number from {lo} to {hi} (not {value})</source>
        <translation>会話の設定 &quot;{name}&quot; は {lo}〜{hi} の整数である必要があります(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>the conversation&apos;s setting &quot;{name}&quot; must be a number from {lo} to {hi} (not {value})</source>
        <translation>会話の設定 &quot;{name}&quot; は {lo}〜{hi} の数値である必要があります(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>{name} is too large for a Hearth conversation (over {n} MB)</source>
        <translation>{name} は Hearth の会話としては大きすぎます({n} MB を超えています)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="386"/>
        <source>{name} is not a Hearth conversation: it holds more than {n} lists and objects</source>
        <translation>{name} は Hearth の会話ではありません: リストとオブジェクトが {n} 個を超えています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>{path} is not a UTF-8 text file</source>
        <translation>{path} は UTF-8 のテキストファイルではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>{path} is not valid JSON ({error})</source>
        <translation>{path} は正しい JSON ではありません({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="385"/>
        <source>no file at {path}</source>
        <translation>{path} にファイルがありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="300"/>
        <source>the API key would be sent unencrypted to {host}: its URL is http://, not https://; use an https:// URL, or allow the key over plain http:// if this network is trusted</source>
        <translation>API キーが暗号化されずに {host} へ送られます(URL が https:// ではなく http:// です)。https:// の URL を使うか、信頼できるネットワークであれば http:// での API キー送信を許可してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="363"/>
        <source>give a prompt to compare the models on</source>
        <translation>モデルを比較するためのプロンプトを入力してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="364"/>
        <source>choose at least one model to compare</source>
        <translation>比較するモデルを 1 つ以上選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="365"/>
        <source>choose at least one model to evaluate</source>
        <translation>評価するモデルを 1 つ以上選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="366"/>
        <source>stopped while loading</source>
        <translation>読み込み中に停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="367"/>
        <source>a blind comparison needs 2 to {max} models, not {n}</source>
        <translation>ブラインド比較には 2〜{max} 個のモデルが必要です(選ばれたのは {n} 個です)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="368"/>
        <source>a blind comparison needs different models</source>
        <translation>ブラインド比較には異なるモデルが必要です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="369"/>
        <source>a vote compares two different models</source>
        <translation>投票では異なる 2 つのモデルを比べます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="370"/>
        <source>a vote compares two different columns</source>
        <translation>投票では異なる 2 つの列を比べます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="371"/>
        <source>this comparison has been revealed: a vote now would not be blind</source>
        <translation>この比較はすでに公開されています。今投票してもブラインドにはなりません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="372"/>
        <source>columns {a} and {b} already have a vote</source>
        <translation>列 {a} と {b} にはすでに投票済みです</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="374"/>
        <source>{name} has no questions</source>
        <translation>{name} には問題がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="375"/>
        <source>{name} has more than {n} questions</source>
        <translation>{name} の問題数が {n} を超えています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="376"/>
        <source>{path} is a folder, not a question set</source>
        <translation>{path} はフォルダーです。問題セットではありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="377"/>
        <source>{name} is neither UTF-8 nor Shift_JIS text</source>
        <translation>{name} は UTF-8 でも Shift_JIS でもありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="378"/>
        <source>no such question set: {name} (sample sets: {names})</source>
        <translation>問題セット {name} はありません(サンプルのセット: {names})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="379"/>
        <source>{name} is too large for a question set ({size} MB; at most {limit} MB)</source>
        <translation>{name} は問題セットとしては大きすぎます({size} MB、上限は {limit} MB)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="380"/>
        <source>{name} line {line}: not valid JSON ({error})</source>
        <translation>{name} の {line} 行目: JSON として正しくありません({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="381"/>
        <source>{name} line {line}: expected a JSON object with id, prompt, expected and rule</source>
        <translation>{name} の {line} 行目: id、prompt、expected、rule を持つ JSON オブジェクトが必要です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="383"/>
        <source>{name} line {line}: not valid CSV ({error})</source>
        <translation>{name} の {line} 行目: CSV として正しくありません({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="384"/>
        <source>{name} line {line}: missing column &apos;{key}&apos; (the first row names the fields)</source>
        <translation>{name} の {line} 行目: 列 &apos;{key}&apos; がありません(1 行目にフィールド名を書きます)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="386"/>
        <source>{name} line {line}: {n} values for {columns} columns (quote values that contain a comma)</source>
        <translation>{name} の {line} 行目: {columns} 列に対して値が {n} 個あります(カンマを含む値は引用符で囲んでください)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="388"/>
        <source>{name} line {line}: missing field &apos;{key}&apos;</source>
        <translation>{name} の {line} 行目: フィールド &apos;{key}&apos; がありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="389"/>
        <source>{name} line {line}: field &apos;{key}&apos; must be text</source>
        <translation>{name} の {line} 行目: フィールド &apos;{key}&apos; はテキストである必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="390"/>
        <source>{name} line {line}: unknown rule &apos;{rule}&apos; (use {rules} or {last})</source>
        <translation>{name} の {line} 行目: &apos;{rule}&apos; は不明なルールです({rules}、{last} のいずれかを使ってください)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="391"/>
        <source>{name} line {line}: &apos;tolerance&apos; must be a number of at least 0 (got {value})</source>
        <translation>{name} の {line} 行目: &apos;tolerance&apos; は 0 以上の数値である必要があります(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="393"/>
        <source>{name} line {line}: a &apos;choice&apos; answer must be one letter such as B (got {value})</source>
        <translation>{name} の {line} 行目: &apos;choice&apos; の答えは B のような 1 文字である必要があります(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="395"/>
        <source>{name} line {line}: a &apos;numeric&apos; answer must be one number (got {value})</source>
        <translation>{name} の {line} 行目: &apos;numeric&apos; の答えは 1 つの数値である必要があります(指定値: {value})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="396"/>
        <source>{name} line {line}: the regular expression does not compile ({error})</source>
        <translation>{name} の {line} 行目: 正規表現をコンパイルできません({error})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="397"/>
        <source>{name} line {line}: &apos;tags&apos; must be a list of words or text separated by commas</source>
        <translation>{name} の {line} 行目: &apos;tags&apos; は単語のリストか、カンマ区切りのテキストである必要があります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="399"/>
        <source>{name} line {line}: the id &apos;{id}&apos; is already used on line {other}</source>
        <translation>{name} の {line} 行目: ID &apos;{id}&apos; はすでに {other} 行目で使われています</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the answer was stopped</source>
        <translation>回答は停止されました</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>give a question to ask the documents</source>
        <translation>文書に尋ねる質問を入力してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the context of {n} tokens is too small to answer from documents in; load the model with a larger context</source>
        <translation>{n} トークンのコンテキストは文書から回答するには小さすぎます。より大きなコンテキストでモデルを読み込んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>a collection needs a name</source>
        <translation>コレクションには名前が必要です</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>a collection name can be at most {n} characters</source>
        <translation>コレクション名は {n} 文字までです</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>give at least one file or folder to add to the collection</source>
        <translation>コレクションに追加するファイルかフォルダーを一つ以上指定してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>cannot add {path}: no such file or folder</source>
        <translation>{path} を追加できません: そのようなファイルやフォルダーはありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>cannot add {path}: it is neither a file nor a folder</source>
        <translation>{path} を追加できません: ファイルでもフォルダーでもありません</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>no collection named {name} (collections: {names})</source>
        <translation>{name} という名前のコレクションはありません (コレクション: {names})</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the document index was written by a newer version of Hearth (schema {n}; this version knows up to {m}): update Hearth</source>
        <translation>文書の索引は新しいバージョンの Hearth で書かれています (スキーマ {n}、このバージョンは {m} まで): Hearth を更新してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the embedding model {name} cannot be used: {reason}</source>
        <translation>埋め込みモデル {name} は使えません: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>{name} is not an embedding model (its header names no pooling and its architecture is {arch}); pick one made for search, such as {model} or {other}</source>
        <translation>{name} は埋め込みモデルではありません (ヘッダーにプーリングの指定がなく、アーキテクチャは {arch} です)。{model} や {other} など検索用のモデルを選んでください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>indexing was stopped; the documents indexed so far are kept: index again to go on</source>
        <translation>索引作成を停止しました。ここまでに索引を作成した文書は保持されます。もう一度索引を作成すると続きから再開します</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the search mode must be one of {modes}</source>
        <translation>検索方式は {modes} のいずれかです</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the fusion must be one of {fusions}</source>
        <translation>統合方式は {fusions} のいずれかです</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>give a question or words to search for</source>
        <translation>検索する質問か語句を入力してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the stored vectors have {n} dimensions but {name} gives {m}: index the collection again</source>
        <translation>保存されたベクトルは {n} 次元ですが {name} は {m} 次元です: コレクションの索引を作り直してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>dense search needs an embedding model: download one, such as {model} or {other} (python main.py pull REPO), and index the collection again</source>
        <translation>ベクトル検索には埋め込みモデルが必要です: {model} や {other} などの埋め込みモデルをダウンロードし (python main.py pull REPO)、コレクションの索引を作り直してください</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>the collection {name} has no vectors from {model} yet: index it again to compute them</source>
        <translation>コレクション {name} には {model} のベクトルがまだありません: 索引を作り直すと計算されます</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>{path} is not there any more (a removed or unplugged drive?); its documents stay in the index</source>
        <translation>{path} が見つかりません (取り外されたドライブ?)。その文書は索引に残ります</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>cannot read the folder {path}: {reason}</source>
        <translation>フォルダー {path} を読めません: {reason}</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>{name} has no text to search (a scanned document without a text layer?)</source>
        <translation>{name} には検索できるテキストがありません (テキスト層のないスキャン文書?)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="441"/>
        <source>{name} is a base model (it has no chat template): it continues text instead of following instructions, so its answers will be poor; download an instruction-tuned model such as {models} or {last} (python main.py pull REPO)</source>
        <translation>{name} はベースモデルです (チャットテンプレートがありません)。指示に従わずに文章を続けるため、回答の質は低くなります。{models} や {last} など、指示調整済みのモデルをダウンロードしてください (python main.py pull REPO)</translation>
    </message>
    <message>
        <location filename="../../gui/engine_messages.py" line="35"/>
        <source>The answer failed: {reason}</source>
        <translation>回答に失敗しました: {reason}</translation>
    </message>
</context>
<context>
    <name>EvalChart</name>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="434"/>
        <source>Accuracy and speed appear here after a run.</source>
        <translation>実行後、ここに正答率と速度が表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="447"/>
        <source>Accuracy (95 % interval)</source>
        <translation>正答率(95% 区間)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="448"/>
        <source>Generation speed</source>
        <translation>生成速度</translation>
    </message>
</context>
<context>
    <name>ExceptionHook</name>
    <message>
        <location filename="../../gui/app.py" line="72"/>
        <source>Something went wrong: %1. Hearth keeps running; %2.</source>
        <translation>問題が発生しました: %1。Hearth は動作を続けます。%2。</translation>
    </message>
</context>
<context>
    <name>HistoryList</name>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="223"/>
        <source>No summaries yet.</source>
        <translation>要約はまだありません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="238"/>
        <source>{length}, {form}</source>
        <translation>{length}、{form}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="239"/>
        <source>{n} page</source>
        <translation>{n} ページ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="239"/>
        <source>{n} pages</source>
        <translation>{n} ページ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="244"/>
        <source>Model: {model}</source>
        <translation>モデル: {model}</translation>
    </message>
</context>
<context>
    <name>LeaderboardTable</name>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="395"/>
        <source>Bootstrap 95 % interval (1,000 resamples); models whose intervals overlap share a rank</source>
        <translation>ブートストラップ 95% 区間(1,000 回の再標本化)。区間が重なるモデルは同順位です</translation>
    </message>
</context>
<context>
    <name>LeaderboardView</name>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="56"/>
        <source>Tag</source>
        <translation>タグ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="59"/>
        <location filename="../../gui/panes/compare/leaderboard.py" line="111"/>
        <source>All votes</source>
        <translation>すべての投票</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="64"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="68"/>
        <source>Export CSV…</source>
        <translation>CSV をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="69"/>
        <source>Every vote (with this tag) as CSV, readable by Excel</source>
        <translation>(このタグの)すべての投票を CSV で(Excel で開けます)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="73"/>
        <source>Export JSONL…</source>
        <translation>JSONL をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="74"/>
        <source>Every vote (with this tag) as JSON Lines</source>
        <translation>(このタグの)すべての投票を JSON Lines で</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="95"/>
        <source>Fitting the ratings…</source>
        <translation>レーティングを推定しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="118"/>
        <source>No votes tagged {tag} yet: run a blind comparison and vote.</source>
        <translation>タグ {tag} の投票はまだありません。ブラインド比較を実行して投票してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="119"/>
        <source>No votes yet: run a blind comparison and vote.</source>
        <translation>投票はまだありません。ブラインド比較を実行して投票してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="122"/>
        <source>{n} vote</source>
        <translation>{n} 票</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="122"/>
        <source>{n} votes</source>
        <translation>{n} 票</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="123"/>
        <source>tagged {tag}</source>
        <translation>タグ {tag}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="124"/>
        <source>Bradley–Terry fit, {n} bootstrap resamples; models whose intervals overlap share a rank.</source>
        <translation>Bradley–Terry モデルで推定、ブートストラップ再標本化 {n} 回。区間が重なるモデルは同順位です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="127"/>
        <source>Left column won {rate} of {n} decisive vote (a warning shows outside 45–55 % once there are enough).</source>
        <translation>勝敗がついた {n} 件の投票のうち、左の列が {rate} 勝ちました(十分な件数がたまると、45〜55% の範囲外で警告を表示します)。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="129"/>
        <source>Left column won {rate} of {n} decisive votes (a warning shows outside 45–55 % once there are enough).</source>
        <translation>勝敗がついた {n} 件の投票のうち、左の列が {rate} 勝ちました(十分な件数がたまると、45〜55% の範囲外で警告を表示します)。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="134"/>
        <source>Position bias: {warning}</source>
        <translation>位置の偏り: {warning}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="141"/>
        <source>The leaderboard could not be read: {error}</source>
        <translation>リーダーボードを読み込めませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="155"/>
        <source>Export votes</source>
        <translation>投票をエクスポート</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="164"/>
        <source>Exported {n} vote to {name}.</source>
        <translation>{n} 件の投票を {name} にエクスポートしました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="164"/>
        <source>Exported {n} votes to {name}.</source>
        <translation>{n} 件の投票を {name} にエクスポートしました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/leaderboard.py" line="169"/>
        <source>Could not export the votes: {error}</source>
        <translation>投票をエクスポートできませんでした: {error}</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="28"/>
        <source>Loading the library…</source>
        <translation>ライブラリを読み込んでいます…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="39"/>
        <source>Import file…</source>
        <translation>ファイルをインポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="40"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="41"/>
        <source>Reveal in file manager</source>
        <translation>ファイルマネージャーで表示</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="42"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="70"/>
        <source>ready</source>
        <translation>使用可能</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="70"/>
        <source>unusable: {error}</source>
        <translation>使用不可: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="72"/>
        <source>embedding model (for document search)</source>
        <translation>埋め込みモデル(文書検索用)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="74"/>
        <source>ready (base model: no chat template)</source>
        <translation>使用可能(ベースモデル: チャットテンプレートなし)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="88"/>
        <source>No models yet. Download one from Discover, or import a GGUF file you have.</source>
        <translation>モデルがまだありません。「探す」からダウンロードするか、手元の GGUF ファイルをインポートしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="90"/>
        <source>{usable} usable model(s), {unusable} unusable · {size} on disk</source>
        <translation>使用可能なモデル {usable} 個、使用不可 {unusable} 個 · ディスク使用量 {size}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="107"/>
        <source>Select a model to see where it is stored.</source>
        <translation>モデルを選ぶと、保存場所が表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="111"/>
        <source>Unusable: {error}</source>
        <translation>使用不可: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="114"/>
        <source>Managed by your administrator: models in shared folders cannot be deleted here</source>
        <translation>管理者が設定: 共有フォルダーのモデルはここでは削除できません</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="116"/>
        <source>The starter model cannot be deleted here</source>
        <translation>スターターモデルはここでは削除できません</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="122"/>
        <source>Import a GGUF model</source>
        <translation>GGUF モデルをインポート</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="122"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF モデル (*.gguf);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="126"/>
        <source>Import model</source>
        <translation>モデルをインポート</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="127"/>
        <source>Add {name} to the library?</source>
        <translation>{name} をライブラリに追加しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="128"/>
        <source>Copy it into Hearth&apos;s models folder, or use it where it is (it must stay there).</source>
        <translation>Hearth のモデルフォルダーにコピーするか、今の場所のまま使います(その場合はファイルを移動しないでください)。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="130"/>
        <source>Copy into library</source>
        <translation>ライブラリにコピー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="131"/>
        <source>Use where it is</source>
        <translation>この場所のまま使う</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="141"/>
        <source>Really forget this referenced file (it stays on disk)?</source>
        <translation>この参照ファイルを一覧から外しますか?(ファイルはディスクに残ります)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="142"/>
        <source>Really delete {name} ({size}) from disk?</source>
        <translation>{name}({size})をディスクから削除してよろしいですか?</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="143"/>
        <source>Delete model</source>
        <translation>モデルを削除</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/app.py" line="304"/>
        <source>Chat</source>
        <translation>チャット</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="311"/>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="322"/>
        <source>Summarise</source>
        <translation>要約</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="330"/>
        <source>Compare</source>
        <translation>比較</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="336"/>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="408"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="409"/>
        <source>&amp;Import model…</source>
        <translation>モデルをインポート(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="410"/>
        <source>&amp;Open document…</source>
        <translation>文書を開く(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="411"/>
        <source>&amp;Export…</source>
        <translation>エクスポート(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="413"/>
        <source>&amp;Preferences…</source>
        <translation>設定(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="417"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="420"/>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="421"/>
        <source>&amp;Copy</source>
        <translation>コピー(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="422"/>
        <source>Select &amp;all</source>
        <translation>すべて選択(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="424"/>
        <source>&amp;Find conversations…</source>
        <translation>会話を検索(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="426"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="427"/>
        <source>&amp;Chat</source>
        <translation>チャット(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="427"/>
        <source>&amp;Summarise</source>
        <translation>要約(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="427"/>
        <source>C&amp;ompare</source>
        <translation>比較(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="428"/>
        <location filename="../../gui/app.py" line="449"/>
        <source>&amp;Models</source>
        <translation>モデル(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="432"/>
        <source>&amp;Theme</source>
        <translation>テーマ(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="435"/>
        <source>Follow the &amp;system</source>
        <translation>システムに合わせる(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="435"/>
        <source>&amp;Light</source>
        <translation>ライト(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="436"/>
        <source>&amp;Dark</source>
        <translation>ダーク(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="442"/>
        <source>&amp;Bigger text</source>
        <translation>文字を大きく(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="444"/>
        <source>S&amp;maller text</source>
        <translation>文字を小さく(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="446"/>
        <source>&amp;Default text size</source>
        <translation>標準の文字サイズ(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="450"/>
        <source>&amp;Load the selected model</source>
        <translation>選択したモデルを読み込む(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="451"/>
        <source>&amp;Unload</source>
        <translation>解放(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="453"/>
        <source>&amp;Manage models…</source>
        <translation>モデルを管理(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="454"/>
        <source>&amp;Check a model file…</source>
        <translation>モデルファイルを検査(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="456"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="457"/>
        <source>&amp;Documentation</source>
        <translation>ドキュメント(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="458"/>
        <source>Open the &amp;log folder</source>
        <translation>ログフォルダーを開く(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="460"/>
        <source>&amp;About Hearth</source>
        <translation>Hearth について(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="516"/>
        <source>Import a GGUF model</source>
        <translation>GGUF モデルをインポート</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="517"/>
        <location filename="../../gui/app.py" line="553"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF モデル (*.gguf);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="525"/>
        <source>Importing models is switched off by your administrator.</source>
        <translation>モデルのインポートは管理者によって無効にされています。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="530"/>
        <source>Importing %1…</source>
        <translation>%1 をインポートしています…</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="549"/>
        <source>Nothing to export here yet.</source>
        <translation>エクスポートできるものはまだありません。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="552"/>
        <source>Check a GGUF model file</source>
        <translation>GGUF モデルファイルを検査</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="567"/>
        <source>%1 is not a usable model: %2</source>
        <translation>%1 は使えないモデルです: %2</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="569"/>
        <source>%1 is a valid GGUF model.</source>
        <translation>%1 は有効な GGUF モデルです。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="748"/>
        <source>Model loaded</source>
        <translation>モデルを読み込みました</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="748"/>
        <source>%1 is ready.</source>
        <translation>%1 の準備ができました。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="752"/>
        <source>Summary finished</source>
        <translation>要約が完了しました</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="752"/>
        <source>The summary of %1 is ready.</source>
        <translation>%1 の要約ができました。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="756"/>
        <source>Download finished</source>
        <translation>ダウンロードが完了しました</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="756"/>
        <source>%1 was downloaded and verified.</source>
        <translation>%1 をダウンロードして検証しました。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="760"/>
        <source>Evaluation finished</source>
        <translation>評価が完了しました</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="760"/>
        <source>The question-set scores are ready.</source>
        <translation>問題セットの採点が完了しました。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="763"/>
        <source>Comparison finished</source>
        <translation>比較が完了しました</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="763"/>
        <source>Every model has answered.</source>
        <translation>すべてのモデルが回答しました。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/app.py" line="770"/>
        <source>Models in the library: %n</source>
        <translation>
            <numerusform>ライブラリのモデル: %n 個</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="781"/>
        <source>No models yet: %1.</source>
        <translation>モデルがまだありません: %1。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="782"/>
        <source>No models yet. Download one in the Models tab, or %1.</source>
        <translation>モデルがまだありません。「モデル」タブでダウンロードするか、%1。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="813"/>
        <source>%1 loaded in %2 s · context %3 · %4 · %5 threads</source>
        <translation>%1 を %2 秒で読み込みました · コンテキスト %3 · %4 · %5 スレッド</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="817"/>
        <source>Model loaded differently than asked: {note}</source>
        <translation>指定とは異なる設定でモデルを読み込みました: {note}</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="827"/>
        <source>Model unloaded: its memory is free again.</source>
        <translation>モデルを解放しました。メモリが空きました。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="830"/>
        <source>Your conversation is kept; send again to restart the model.</source>
        <translation>会話は保存されています。もう一度送信するとモデルを再起動します。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="834"/>
        <source>%1 tok/s · first token %2 s · prompt %3 tok/s · %4 tokens</source>
        <translation>%1 tok/s · 最初のトークンまで %2 秒 · プロンプト %3 tok/s · %4 トークン</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="935"/>
        <source>Hearth could not start (%1); %2.</source>
        <translation>Hearth を起動できませんでした(%1)。%2。</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="345"/>
        <source>Ask</source>
        <translation>文書に質問</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="438"/>
        <source>&amp;Ask your documents</source>
        <translation>文書に質問(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="774"/>
        <source>Indexing finished</source>
        <translation>インデックス作成が完了しました</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="774"/>
        <source>The collection %1 is ready to ask.</source>
        <translation>コレクション %1 に質問できるようになりました。</translation>
    </message>
</context>
<context>
    <name>Markdown</name>
    <message>
        <location filename="../../gui/widgets/markdown.py" line="84"/>
        <location filename="../../gui/widgets/markdown.py" line="87"/>
        <source>[image: {alt}]</source>
        <translation>[画像: {alt}]</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/markdown.py" line="125"/>
        <source>Copy code</source>
        <translation>コードをコピー</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="16"/>
        <source>Model:</source>
        <translation>モデル:</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="20"/>
        <source>No models yet — add one in Models</source>
        <translation>モデルがありません — 「モデル」で追加してください</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="22"/>
        <source>Load</source>
        <translation>読み込む</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="23"/>
        <source>Load the selected model (its own process)</source>
        <translation>選択したモデルを読み込みます(専用のプロセスで実行)</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="26"/>
        <location filename="../../gui/widgets/model_picker.py" line="106"/>
        <source>Unload</source>
        <translation>解放</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="27"/>
        <source>End the model process and free its memory</source>
        <translation>モデルのプロセスを終了してメモリを解放します</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="38"/>
        <location filename="../../gui/widgets/model_picker.py" line="107"/>
        <source>No model loaded</source>
        <translation>モデル未読み込み</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="51"/>
        <source>★ {label} (starter)</source>
        <translation>★ {label}(スターター)</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="54"/>
        <source>Base model: continues text rather than following instructions</source>
        <translation>ベースモデル: 指示に従うのではなく、文章の続きを書きます</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="55"/>
        <source>Chat model</source>
        <translation>チャットモデル</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="58"/>
        <source>{model} — remote ({host})</source>
        <translation>{model} — リモート({host})</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="60"/>
        <source>Remote model on {host}: your text is sent to {host}</source>
        <translation>{host} 上のリモートモデル: 入力したテキストは {host} に送信されます</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="98"/>
        <source>Stop loading</source>
        <translation>読み込みを中止</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="99"/>
        <source>Loading {name}…</source>
        <translation>{name} を読み込んでいます…</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="107"/>
        <source>Loaded: {name}</source>
        <translation>読み込み済み: {name}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="114"/>
        <source>llama.cpp reports: {where}</source>
        <translation>llama.cpp の報告: {where}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_picker.py" line="116"/>
        <source>Note: {note}</source>
        <translation>注意: {note}</translation>
    </message>
</context>
<context>
    <name>ModelRow</name>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="70"/>
        <source>A model from the library, or another GGUF file</source>
        <translation>ライブラリのモデル、または別の GGUF ファイル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="72"/>
        <source>Context</source>
        <translation>コンテキスト</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="77"/>
        <source>auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="78"/>
        <source>Context size in tokens; auto: the model&apos;s own, at most 8,192</source>
        <translation>コンテキストのトークン数。自動: モデル既定値(最大 8,192)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="82"/>
        <source>GPU layers</source>
        <translation>GPU レイヤー数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="87"/>
        <source>Layers to put on the GPU: auto (what fits), all, 0 (CPU only) or a number</source>
        <translation>GPU に載せるレイヤー数: auto(収まる分)、all、0(CPU のみ)、または数値</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="109"/>
        <source>{model} — remote ({host})</source>
        <translation>{model} — リモート({host})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="111"/>
        <source>Remote model on {host}: your text is sent to {host}</source>
        <translation>{host} 上のリモートモデル: 入力したテキストは {host} に送信されます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="115"/>
        <source>{name} (file)</source>
        <translation>{name}(ファイル)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="117"/>
        <source>Other GGUF file…</source>
        <translation>別の GGUF ファイル…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/widgets.py" line="190"/>
        <source>Set by the server for a remote model</source>
        <translation>リモートモデルではサーバーが決めます</translation>
    </message>
</context>
<context>
    <name>ModelsCommon</name>
    <message>
        <location filename="../../gui/panes/models/common.py" line="10"/>
        <source>Browsing the Hugging Face Hub is switched off by your administrator.</source>
        <translation>Hugging Face Hub の閲覧は管理者によって無効にされています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="11"/>
        <source>Downloading models is switched off by your administrator.</source>
        <translation>モデルのダウンロードは管理者によって無効にされています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="12"/>
        <source>Importing model files is switched off by your administrator.</source>
        <translation>モデルファイルのインポートは管理者によって無効にされています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="45"/>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="47"/>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="48"/>
        <source>{h} h {m} min</source>
        <translation>{h} 時間 {m} 分</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="54"/>
        <source>unknown (header unreadable)</source>
        <translation>不明(ヘッダーを読めません)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="57"/>
        <source>context up to {ctx}</source>
        <translation>コンテキスト最大 {ctx}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="59"/>
        <source>rough: size only</source>
        <translation>概算: サイズのみ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/common.py" line="81"/>
        <source>Managed by your administrator</source>
        <translation>管理者が設定しています</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="13"/>
        <location filename="../../gui/panes/models/downloads_view.py" line="14"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="13"/>
        <source>Author</source>
        <translation>作成者</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="13"/>
        <source>Downloads</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="13"/>
        <source>Likes</source>
        <translation>いいね</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="13"/>
        <source>Licence</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="14"/>
        <source>Quant / file</source>
        <translation>量子化 / ファイル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="14"/>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="14"/>
        <source>Runs here</source>
        <translation>このマシンでの動作</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="14"/>
        <source>Max context</source>
        <translation>最大コンテキスト</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="17"/>
        <source>Most downloaded</source>
        <translation>ダウンロード数順</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="17"/>
        <source>Most liked</source>
        <translation>いいね順</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/discover_view.py" line="17"/>
        <source>Recently updated</source>
        <translation>更新が新しい順</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="14"/>
        <source>Progress</source>
        <translation>進行状況</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="14"/>
        <source>Bytes</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="14"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="14"/>
        <source>ETA</source>
        <translation>残り時間</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/downloads_view.py" line="14"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Parameters</source>
        <translation>パラメーター数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Quant</source>
        <translation>量子化</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Context</source>
        <translation>コンテキスト</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Source</source>
        <translation>入手元</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="11"/>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="12"/>
        <source>Library</source>
        <translation>ライブラリ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="12"/>
        <source>Starter</source>
        <translation>スターター</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="12"/>
        <source>Shared (admin)</source>
        <translation>共有(管理者)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="13"/>
        <source>Added folder</source>
        <translation>追加したフォルダー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/library_view.py" line="13"/>
        <source>Referenced</source>
        <translation>参照</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="23"/>
        <source>stored in the system keyring</source>
        <translation>システムのキーリングに保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="23"/>
        <source>from HF_TOKEN</source>
        <translation>HF_TOKEN から</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="24"/>
        <source>for this session only</source>
        <translation>このセッションのみ</translation>
    </message>
</context>
<context>
    <name>ModelsPane</name>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="37"/>
        <source>Welcome</source>
        <translation>ようこそ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="37"/>
        <source>Library</source>
        <translation>ライブラリ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="37"/>
        <source>Discover</source>
        <translation>探す</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="37"/>
        <source>Downloads</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="49"/>
        <source>{free} of {total} RAM free</source>
        <translation>RAM 空き {free} / {total}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="50"/>
        <source>{cores} cores, {threads} threads</source>
        <translation>{cores} コア、{threads} スレッド</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="53"/>
        <source>{gpu}: {free} free ({backend})</source>
        <translation>{gpu}: 空き {free}({backend})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="56"/>
        <source>No GPU offload: models run on the CPU</source>
        <translation>GPU オフロードなし: モデルは CPU で動きます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="124"/>
        <source>This machine</source>
        <translation>このマシン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="128"/>
        <source>Checking memory and GPU…</source>
        <translation>メモリと GPU を確認しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="214"/>
        <source>the Set… button under “Hugging Face token” (left)</source>
        <translation>左の「Hugging Face トークン」の「設定…」ボタン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="257"/>
        <source>Reading the file headers for exact estimates…</source>
        <translation>正確に見積もるためファイルヘッダーを読み取っています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="276"/>
        <source>{name} was added to the library.</source>
        <translation>{name} をライブラリに追加しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="280"/>
        <source>Searching the Hub failed</source>
        <translation>Hub の検索に失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="281"/>
        <source>Listing the repository&apos;s files failed</source>
        <translation>リポジトリのファイル一覧の取得に失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="282"/>
        <source>Reading the file headers failed</source>
        <translation>ファイルヘッダーの読み取りに失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="283"/>
        <source>Estimating the suggested models failed</source>
        <translation>おすすめモデルの見積もりに失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="284"/>
        <source>Checking the suggested models failed</source>
        <translation>おすすめモデルの確認に失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="285"/>
        <source>The download could not start</source>
        <translation>ダウンロードを開始できませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="286"/>
        <source>The model could not be imported</source>
        <translation>モデルをインポートできませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="287"/>
        <source>Detecting the hardware failed</source>
        <translation>ハードウェアの検出に失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="288"/>
        <source>Reading the Hugging Face token failed</source>
        <translation>Hugging Face トークンの読み取りに失敗しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="288"/>
        <source>That did not work</source>
        <translation>うまくいきませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="294"/>
        <source>Estimates from file sizes only (headers unreadable).</source>
        <translation>ファイルサイズのみからの見積もりです(ヘッダーを読めませんでした)。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="300"/>
        <source>{what}: {error}</source>
        <translation>{what}: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="397"/>
        <source>Looking up the {quant} file of {repo} on Hugging Face…</source>
        <translation>Hugging Face で {repo} の {quant} ファイルを探しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="423"/>
        <source>Checking and copying {name}…</source>
        <translation>{name} を検査してコピーしています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="423"/>
        <source>Checking and adding {name}…</source>
        <translation>{name} を検査して追加しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="431"/>
        <source>The model could not be deleted: {error}</source>
        <translation>モデルを削除できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="457"/>
        <source>Downloads are unavailable: {error}</source>
        <translation>ダウンロードは利用できません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="504"/>
        <source>{name} is downloaded, verified and in your library.</source>
        <translation>{name} をダウンロード・検証し、ライブラリに追加しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="511"/>
        <source>Downloading {name} failed: {error}</source>
        <translation>{name} のダウンロードに失敗しました: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="512"/>
        <source>unknown error</source>
        <translation>不明なエラー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="519"/>
        <source>Downloading models is switched off by your administrator.</source>
        <translation>モデルのダウンロードは管理者によって無効にされています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="521"/>
        <source>Downloads are unavailable.</source>
        <translation>ダウンロードは利用できません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="526"/>
        <source>{name} cannot be downloaded: {error}</source>
        <translation>{name} はダウンロードできません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/models_pane.py" line="532"/>
        <source>Downloading {name}: follow it in Downloads.</source>
        <translation>{name} をダウンロードしています。進行状況は「ダウンロード」で確認できます。</translation>
    </message>
</context>
<context>
    <name>PartsTree</name>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="82"/>
        <source>Pages</source>
        <translation>ページ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="82"/>
        <source>Partial summary</source>
        <translation>部分要約</translation>
    </message>
    <message>
        <source>extract</source>
        <translation>抜粋</translation>
    </message>
    <message>
        <source>retried</source>
        <translation>再試行</translation>
    </message>
</context>
<context>
    <name>PassageList</name>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="290"/>
        <source>Passage</source>
        <translation>抜粋</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="290"/>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <location filename="../../gui/panes/ask/widgets.py" line="290"/>
        <source>Text</source>
        <translation>本文</translation>
    </message>
</context>
<context>
    <name>QuestionSetsView</name>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="336"/>
        <source>{done} / {total} answers</source>
        <translation>{done} / {total} 件の回答</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="21"/>
        <source>Question sets (*.jsonl *.csv);;All files (*)</source>
        <translation>問題セット (*.jsonl *.csv);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="50"/>
        <source>Question set</source>
        <translation>問題セット</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="62"/>
        <source>{name} (sample)</source>
        <translation>{name}(サンプル)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="67"/>
        <source>Open file…</source>
        <translation>ファイルを開く…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="68"/>
        <source>A JSONL or CSV file with the fields id, prompt, expected, rule</source>
        <translation>id、prompt、expected、rule の項目を持つ JSONL または CSV ファイル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="75"/>
        <source>Max tokens</source>
        <translation>最大トークン数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="80"/>
        <source>Per answer; every question is asked with greedy decoding and seed 0, so a run is repeatable</source>
        <translation>回答ごとの上限。全問を貪欲法デコード・シード 0 で出題するため、結果は再現できます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="84"/>
        <source>Run set</source>
        <translation>セットを実行</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="85"/>
        <source>Ask every question to every chosen model and score the answers</source>
        <translation>選んだすべてのモデルに全問を出題し、回答を採点します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="88"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="89"/>
        <source>Stop now; the answers so far are kept and scored</source>
        <translation>今すぐ停止します。ここまでの回答は保存・採点されます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="107"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="107"/>
        <source>Accuracy</source>
        <translation>正答率</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="107"/>
        <source>95 % interval</source>
        <translation>95% 区間</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="108"/>
        <source>Correct</source>
        <translation>正解数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="108"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="108"/>
        <source>Errors</source>
        <translation>エラー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="122"/>
        <location filename="../../gui/panes/compare/question_sets.py" line="228"/>
        <source>Question</source>
        <translation>問題</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="122"/>
        <location filename="../../gui/panes/compare/question_sets.py" line="228"/>
        <source>Expected</source>
        <translation>期待される答え</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="152"/>
        <source>Open a question set</source>
        <translation>問題セットを開く</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="161"/>
        <source>Open a question set (JSONL or CSV).</source>
        <translation>問題セット(JSONL または CSV)を開いてください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="164"/>
        <source>Reading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="175"/>
        <source>{n} question ({rules})</source>
        <translation>{n} 問({rules})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="176"/>
        <source>{n} questions ({rules})</source>
        <translation>{n} 問({rules})</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="185"/>
        <source>Vote on the blind comparison (or reveal it) first: a question-set run shows the models&apos; names.</source>
        <translation>先にブラインド比較に投票(または公開)してください。問題セットを実行するとモデル名が表示されてしまいます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="192"/>
        <source>Choose at least one model above to score.</source>
        <translation>採点するモデルを上で 1 つ以上選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="195"/>
        <source>Choose a question set, or open one (JSONL or CSV).</source>
        <translation>問題セットを選ぶか、ファイル(JSONL または CSV)を開いてください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="205"/>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="213"/>
        <source>Stopping…</source>
        <translation>停止しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="302"/>
        <source>Loading model {i} of {n}…</source>
        <translation>モデルを読み込んでいます({i} / {n})…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="333"/>
        <source>Stopped: {n} answers in {s} s · {set}</source>
        <translation>停止: {n} 件の回答を {s} 秒で · {set}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/question_sets.py" line="334"/>
        <source>Done: {n} answers in {s} s · {set}</source>
        <translation>完了: {n} 件の回答を {s} 秒で · {set}</translation>
    </message>
</context>
<context>
    <name>RemoteNote</name>
    <message>
        <location filename="../../gui/widgets/remote_note.py" line="19"/>
        <source>Your text is sent to {host}</source>
        <translation>入力したテキストは {host} に送信されます</translation>
    </message>
</context>
<context>
    <name>ServeAccessBox</name>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="77"/>
        <source>Requests the API answers</source>
        <translation>API が応答するリクエスト</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="81"/>
        <source>Allowed web page origins (one per line)</source>
        <translation>許可する Web ページのオリジン(1 行に 1 つ)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="85"/>
        <source>for example https://intranet.example.com</source>
        <translation>例: https://intranet.example.com</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="92"/>
        <source>Web pages cannot use the API unless their origin is listed here. Add one only when a page you trust, such as a company intranet tool, should call the API from the browser: every script on that page can then use your models and read the replies. Leave it empty if unsure.</source>
        <translation>ここに載っていないオリジンの Web ページは API を使えません。社内イントラネットのツールなど、信頼できるページからブラウザー経由で API を呼び出す必要があるときだけ追加してください。追加すると、そのページのどのスクリプトからもモデルを使って応答を読めるようになります。わからない場合は空のままにしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="97"/>
        <source>Extra allowed host names (one per line)</source>
        <translation>追加で許可するホスト名(1 行に 1 つ)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="101"/>
        <source>for example mypc.local</source>
        <translation>例: mypc.local</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="108"/>
        <source>Other names of this computer that apps use to reach the API. The address above and localhost always work.</source>
        <translation>アプリが API に接続するときに使う、このコンピューターの別名です。上のアドレスと localhost は常に使えます。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="113"/>
        <source>Largest request body</source>
        <translation>リクエスト本文の上限</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="121"/>
        <source>A request with a larger body is refused. Raise it only if an app sends very long texts in one request.</source>
        <translation>これより大きい本文のリクエストは拒否されます。アプリが 1 回のリクエストで非常に長いテキストを送る場合にだけ増やしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="216"/>
        <source>Line {n}: {reason} An origin is scheme://host or scheme://host:port, without a path.</source>
        <translation>{n} 行目: {reason}オリジンは scheme://host または scheme://host:port の形で、パスは含めません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_access.py" line="219"/>
        <source>Line {n}: {reason}</source>
        <translation>{n} 行目: {reason}</translation>
    </message>
</context>
<context>
    <name>ServeTab</name>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="125"/>
        <source>Switch the API off to change these settings; they apply the next time it starts.</source>
        <translation>設定を変更するには API をオフにしてください。変更は次に起動したときに反映されます。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="67"/>
        <source>&lt;b&gt;Hearth&apos;s models as a local API&lt;/b&gt;</source>
        <translation>&lt;b&gt;Hearth のモデルをローカル API として提供&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="69"/>
        <source>Editors, scripts and other apps that speak the OpenAI API can use a model of yours: GET /v1/models, POST /v1/chat/completions and /v1/completions. When the chat has the same model loaded, both use its model process (one copy in memory, requests take turns); otherwise the API starts its own. Either way it shares the CPU cores with every other model Hearth runs.</source>
        <translation>OpenAI API に対応したエディターやスクリプト、ほかのアプリから手元のモデルを使えます: GET /v1/models、POST /v1/chat/completions、/v1/completions。チャットで同じモデルを読み込んでいる場合は、そのモデルプロセスを共有します（メモリ上のモデルは 1 つで、リクエストは順番に処理されます）。そうでない場合は API 用のプロセスを起動します。いずれの場合も、Hearth が動かすほかのモデルと CPU コアを共有します。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="80"/>
        <source>Serve models to other apps (OpenAI-compatible API)</source>
        <translation>ほかのアプリにモデルを提供する(OpenAI 互換 API)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="85"/>
        <source>No models yet — add one in Models</source>
        <translation>モデルがありません — 「モデル」で追加してください</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="87"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="89"/>
        <source>127.0.0.1: this computer only. Another address lets other computers reach it, and needs an API key.</source>
        <translation>127.0.0.1: このコンピューターからのみ。ほかのアドレスにするとほかのコンピューターから接続でき、API キーが必要になります。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="91"/>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="94"/>
        <source>any free port</source>
        <translation>空いている任意のポート</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="97"/>
        <source>Port</source>
        <translation>ポート</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="100"/>
        <source>optional on 127.0.0.1; kept for this session only</source>
        <translation>127.0.0.1 では任意。このセッションの間だけ保持されます</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="101"/>
        <source>API key</source>
        <translation>API キー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="103"/>
        <source>Off.</source>
        <translation>オフ。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="112"/>
        <source>Serving is switched off by your administrator.</source>
        <translation>API の提供は管理者によって無効にされています。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="194"/>
        <source>Choose a model to serve first.</source>
        <translation>先に提供するモデルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="207"/>
        <source>Serve to other computers?</source>
        <translation>ほかのコンピューターに提供しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="208"/>
        <source>Serving on {host} lets other computers on the network reach this model. Every request needs the API key. Serve on {host}?</source>
        <translation>{host} で提供すると、ネットワーク上のほかのコンピューターからこのモデルに接続できます。すべてのリクエストに API キーが必要です。{host} で提供しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="212"/>
        <source>Serve on the network</source>
        <translation>ネットワークに提供</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="213"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="218"/>
        <source>Waiting for your confirmation…</source>
        <translation>確認を待っています…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="229"/>
        <location filename="../../gui/settings/serve_tab.py" line="299"/>
        <source>Off: nothing is served.</source>
        <translation>オフ: 何も提供していません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="252"/>
        <source>Starting: loading {model}…</source>
        <translation>開始中: {model} を読み込んでいます…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="271"/>
        <source>Stopped: the chat loaded another model or unloaded it; switch on again to serve.</source>
        <translation>停止しました: チャットで別のモデルを読み込んだか、モデルを解放しました。提供するには再度オンにしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="280"/>
        <source>Serving {model} at {url} (sharing the chat&apos;s model process)</source>
        <translation>{model} を {url} で提供中（チャットのモデルプロセスを共有）</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="282"/>
        <source>Serving {model} at {url}</source>
        <translation>{model} を {url} で提供中</translation>
    </message>
    <message>
        <location filename="../../gui/settings/serve_tab.py" line="306"/>
        <source>Stopping…</source>
        <translation>停止しています…</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="29"/>
        <source>Managed by your administrator</source>
        <translation>管理者が設定しています</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="54"/>
        <source>Preferences</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="63"/>
        <source>General</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="64"/>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="65"/>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="66"/>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="72"/>
        <source>Servers</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="74"/>
        <source>Local API</source>
        <translation>ローカル API</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="76"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="116"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="117"/>
        <source>A new language applies after Hearth restarts.</source>
        <translation>新しい言語は Hearth の再起動後に反映されます。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="126"/>
        <source>Follow the system</source>
        <translation>システムに合わせる</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="126"/>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="127"/>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="131"/>
        <source>Theme</source>
        <translation>テーマ</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="136"/>
        <source>System default (%1 pt)</source>
        <translation>システムの既定値 (%1 pt)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="140"/>
        <source>Font size</source>
        <translation>文字サイズ</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="142"/>
        <source>Write prompts and replies to the log file (debug logging)</source>
        <translation>プロンプトと応答をログファイルに書き込む(デバッグログ)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="145"/>
        <source>Debug logging</source>
        <translation>デバッグログ</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="148"/>
        <source>HEARTH_DEBUG is set in the environment: debug logging is on.</source>
        <translation>環境変数 HEARTH_DEBUG が設定されているため、デバッグログは有効です。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="154"/>
        <location filename="../../gui/settings/settings_window.py" line="321"/>
        <location filename="../../gui/settings/settings_window.py" line="406"/>
        <source>Open folder</source>
        <translation>フォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="157"/>
        <source>Log folder</source>
        <translation>ログフォルダー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="203"/>
        <source>What a new conversation and every model load start from. Each conversation can still change them in the chat&apos;s settings panel. The command line uses them too when a flag is left out.</source>
        <translation>新しい会話とモデル読み込みの初期値です。会話ごとにチャットの設定パネルで変更できます。コマンドラインでもフラグを省略したときに使われます。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="209"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="209"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="209"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="210"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="210"/>
        <source>Repeat penalty</source>
        <translation>繰り返しペナルティ</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="211"/>
        <source>Max tokens</source>
        <translation>最大トークン数</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="230"/>
        <source>random</source>
        <translation>ランダム</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="233"/>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="240"/>
        <source>Model default</source>
        <translation>モデルの既定値</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="243"/>
        <source>Context length</source>
        <translation>コンテキスト長</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="249"/>
        <source>GPU layers: auto fits free VRAM, all offloads everything, or a number</source>
        <translation>GPU レイヤー数: auto は空き VRAM に合わせ、all はすべてを GPU に載せます。数値でも指定できます</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="251"/>
        <source>GPU layers</source>
        <translation>GPU レイヤー数</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="258"/>
        <source>Automatic (physical cores: %n)</source>
        <translation>
            <numerusform>自動(物理コア: %n)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="261"/>
        <source>Automatic: every model Hearth runs shares the physical cores, re-balanced as models start and stop. A number caps this model&apos;s threads.</source>
        <translation>自動: Hearth が動かすすべてのモデルが物理コアを共有し、モデルの開始・終了に応じて配分し直します。数値を指定すると、このモデルのスレッド数の上限になります。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="264"/>
        <source>CPU threads</source>
        <translation>CPU スレッド数</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="269"/>
        <source>Settings marked 🔒 are managed by your administrator.</source>
        <translation>🔒 の付いた設定は管理者が管理しています。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="305"/>
        <source>&lt;b&gt;Model folders&lt;/b&gt;</source>
        <translation>&lt;b&gt;モデルフォルダー&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="307"/>
        <source>Hearth lists the GGUF files in these folders. Removing a folder deletes nothing. Shared folders come from your administrator and are used read-only.</source>
        <translation>Hearth はこれらのフォルダーにある GGUF ファイルを一覧表示します。フォルダーを一覧から外しても何も削除されません。共有フォルダーは管理者が設定したもので、読み取り専用で使われます。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="311"/>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="311"/>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="317"/>
        <source>Add folder…</source>
        <translation>フォルダーを追加…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="319"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="335"/>
        <source>Hearth&apos;s models folder</source>
        <translation>Hearth のモデルフォルダー</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="335"/>
        <source>Shared (read-only)</source>
        <translation>共有(読み取り専用)</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="336"/>
        <source>Added by you</source>
        <translation>ユーザーが追加</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="341"/>
        <source>Set by your administrator</source>
        <translation>管理者が設定</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="346"/>
        <source>Hearth&apos;s own folder: downloads and imported models go here.</source>
        <translation>Hearth 専用のフォルダー: ダウンロードやインポートしたモデルはここに入ります。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="382"/>
        <source>Add a folder of GGUF models</source>
        <translation>GGUF モデルのフォルダーを追加</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="401"/>
        <source>&lt;b&gt;Data location&lt;/b&gt;</source>
        <translation>&lt;b&gt;データの保存場所&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="414"/>
        <source>This folder is set by your administrator.</source>
        <translation>このフォルダーは管理者が設定しています。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="418"/>
        <source>The chats, summaries and comparisons database and the models folder live here. Move… takes them to another folder the next time Hearth starts; nothing is lost if the move fails.</source>
        <translation>チャット・要約・比較のデータベースとモデルフォルダーはここにあります。「移動…」を使うと、次回 Hearth を起動したときに別のフォルダーへ移します。移動に失敗しても何も失われません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="409"/>
        <source>Move…</source>
        <translation>移動…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="426"/>
        <source>Cancel move</source>
        <translation>移動を取り消す</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="166"/>
        <source>Restart now</source>
        <translation>今すぐ再起動</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="167"/>
        <source>Close Hearth and start it again</source>
        <translation>Hearth を終了して、もう一度起動します</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="457"/>
        <source>Move Hearth&apos;s data to…</source>
        <translation>Hearth のデータの移動先を選択</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="473"/>
        <location filename="../../gui/settings/settings_window.py" line="481"/>
        <source>Move data</source>
        <translation>データの移動</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="482"/>
        <source>Move at next start</source>
        <translation>次回の起動時に移動</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="482"/>
        <source>Keep it here</source>
        <translation>移動しない</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="489"/>
        <source>It is on the same disk, so the move takes a moment.</source>
        <translation>同じディスク上なので、移動はすぐに終わります。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="490"/>
        <source>It is copied to the other disk and checked, then removed from here.</source>
        <translation>別のディスクにコピーして確認したあと、ここから削除します。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="491"/>
        <source>Move Hearth&apos;s data to %1?</source>
        <translation>Hearth のデータを %1 へ移動しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="493"/>
        <source>The move happens when Hearth next starts; until then everything stays in %1.</source>
        <translation>移動は次回 Hearth を起動したときに行われます。それまではすべて %1 に置かれたままです。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="518"/>
        <source>Moves to %1 at the next start.</source>
        <translation>次回の起動時に %1 へ移動します。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="492"/>
        <source>Size: %1 in %n file(s)</source>
        <translation>
            <numerusform>サイズ: %1(ファイル %n 個)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="434"/>
        <source>&lt;b&gt;Stored results&lt;/b&gt;</source>
        <translation>&lt;b&gt;保存済みの結果&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="438"/>
        <source>Delete all chats…</source>
        <translation>すべてのチャットを削除…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="438"/>
        <source>Delete all summaries…</source>
        <translation>すべての要約を削除…</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="439"/>
        <source>Delete all comparison results…</source>
        <translation>すべての比較結果を削除…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="536"/>
        <location filename="../../gui/settings/settings_window.py" line="552"/>
        <source>Chats: %n</source>
        <translation>
            <numerusform>チャット: %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="536"/>
        <source>messages: %n</source>
        <translation>
            <numerusform>メッセージ: %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="537"/>
        <location filename="../../gui/settings/settings_window.py" line="557"/>
        <source>Summaries: %n</source>
        <translation>
            <numerusform>要約: %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="539"/>
        <source>Comparisons: %n</source>
        <translation>
            <numerusform>比較: %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="540"/>
        <source>question-set runs: %n</source>
        <translation>
            <numerusform>問題セットの実行: %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="551"/>
        <source>Delete every stored chat?</source>
        <translation>保存されているチャットをすべて削除しますか?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="553"/>
        <source>Messages in them: %n</source>
        <translation>
            <numerusform>含まれるメッセージ: %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="554"/>
        <source>They are lost for good. System-prompt presets are kept.</source>
        <translation>完全に失われます。システムプロンプトのプリセットは残ります。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="556"/>
        <source>Delete every stored summary?</source>
        <translation>保存されている要約をすべて削除しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="558"/>
        <source>Their text and the parts kept for resuming are lost for good. Your documents are not touched.</source>
        <translation>要約の本文と再開用に保存した部分は完全に失われます。元の文書には影響しません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="560"/>
        <source>Delete every stored comparison result?</source>
        <translation>保存されている比較結果をすべて削除しますか?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="561"/>
        <source>Side-by-side comparisons: %n</source>
        <translation>
            <numerusform>並べて比較: %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="562"/>
        <source>Question-set runs: %n</source>
        <translation>
            <numerusform>問題セットの実行: %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="563"/>
        <source>They are lost for good. Votes and the leaderboard are kept.</source>
        <translation>完全に失われます。投票とリーダーボードは残ります。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="573"/>
        <source>There is nothing stored to delete.</source>
        <translation>削除する保存データはありません。</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="575"/>
        <source>Delete stored data</source>
        <translation>保存データの削除</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="576"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="576"/>
        <source>Keep</source>
        <translation>残す</translation>
    </message>
    <message>
        <location filename="../../gui/settings/settings_window.py" line="596"/>
        <source>Nothing was deleted.</source>
        <translation>何も削除されませんでした。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/settings/settings_window.py" line="602"/>
        <source>Deleted. Items removed: %n</source>
        <translation>
            <numerusform>削除しました。削除した項目: %n 件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SideBySideView</name>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="31"/>
        <source>Blind comparison: the model&apos;s name is shown after your vote</source>
        <translation>ブラインド比較: モデル名は投票後に表示されます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="65"/>
        <source>The prompt every model answers (Ctrl+Enter runs)</source>
        <translation>すべてのモデルが答えるプロンプト(Ctrl+Enter で実行)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="74"/>
        <source>System prompt (optional, the same for every model)</source>
        <translation>システムプロンプト(任意、すべてのモデルで共通)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="87"/>
        <source>random</source>
        <translation>ランダム</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="88"/>
        <source>The same seed goes to every model; random: one is drawn and shown after the run</source>
        <translation>すべてのモデルに同じシードを使います。ランダム: 実行時に決めて、実行後に表示します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="89"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="89"/>
        <source>Max tokens</source>
        <translation>最大トークン数</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="90"/>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="98"/>
        <source>Blind (A/B, names hidden until the vote)</source>
        <translation>ブラインド(A/B、投票まで名前を隠す)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="99"/>
        <source>Columns in a random order, labelled A, B…; vote which answer is better, then the names are revealed and the vote goes to the leaderboard</source>
        <translation>列はランダムな順に A、B… と表示されます。良い方の回答に投票すると名前が公開され、投票がリーダーボードに反映されます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="102"/>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="105"/>
        <source>e.g. email, Japanese (for the leaderboard filter)</source>
        <translation>例: メール, 日本語(リーダーボードの絞り込み用)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="111"/>
        <source>Run</source>
        <translation>実行</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="113"/>
        <source>Send the prompt to every chosen model (Ctrl+Enter)</source>
        <translation>選んだすべてのモデルにプロンプトを送信 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="116"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="117"/>
        <source>Stop every model now; the text written so far is kept</source>
        <translation>すべてのモデルを今すぐ停止します。ここまでの文章は残ります</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="127"/>
        <source>Pick two to four models above, write a prompt and press Run: the answers stream here side by side, each with its load time, first-token time, speed and peak memory.

Blind mode hides which model wrote which answer until you vote; the votes build the Leaderboard.</source>
        <translation>上でモデルを 2〜4 個選び、プロンプトを書いて「実行」を押すと、回答がここに並んで表示されます。読み込み時間、最初のトークンまでの時間、速度、最大メモリも表示されます。

ブラインドモードでは、投票するまでどのモデルの回答かを伏せます。投票はリーダーボードに反映されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="187"/>
        <source>Choose two to four models to compare.</source>
        <translation>比較するモデルを 2〜4 個選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="190"/>
        <source>Write a prompt for the models to answer.</source>
        <translation>モデルが答えるプロンプトを入力してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="203"/>
        <source>Blind mode: {error}.</source>
        <translation>ブラインドモード: {error}。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="224"/>
        <source>Starting the models…</source>
        <translation>モデルを起動しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="233"/>
        <source>Stopping…</source>
        <translation>停止しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="279"/>
        <source>Running with seed {seed}…</source>
        <translation>シード {seed} で実行しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="297"/>
        <source>Stopped: {error}</source>
        <translation>停止: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="298"/>
        <source>Stopped</source>
        <translation>停止しました</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="305"/>
        <source>Model {label} could not answer. The reason is shown after the vote (it may name the model file).</source>
        <translation>モデル {label} は回答できませんでした。理由は投票後に表示されます(モデルファイル名が含まれる場合があるため)。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="326"/>
        <source>Stopped in {s} s · seed {seed}</source>
        <translation>{s} 秒で停止 · シード {seed}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="327"/>
        <source>Done in {s} s · seed {seed}</source>
        <translation>{s} 秒で完了 · シード {seed}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="330"/>
        <source>not saved: {error}</source>
        <translation>保存されていません: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/side_by_side.py" line="349"/>
        <source>Did not run</source>
        <translation>実行されませんでした</translation>
    </message>
</context>
<context>
    <name>Storage</name>
    <message>
        <location filename="../../gui/storage.py" line="39"/>
        <source>The database is busy (another Hearth process is writing); your changes are kept and will be saved.</source>
        <translation>データベースが使用中です(別の Hearth プロセスが書き込み中)。変更は保持され、後で保存されます。</translation>
    </message>
</context>
<context>
    <name>BaseModelNote</name>
    <message>
        <location filename="../../gui/widgets/base_model_note.py" line="37"/>
        <source>this model</source>
        <translation>このモデル</translation>
    </message>
</context>
<context>
    <name>SummarizePane</name>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="41"/>
        <source>Select a part, or click a page citation in the summary, to read it</source>
        <translation>部分を選ぶか、要約中のページ引用をクリックすると内容を読めます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="42"/>
        <source>Open a document first: drop it here or press Open…</source>
        <translation>先に文書を開いてください。ここにドロップするか「文書を開く…」を押します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="44"/>
        <source>Short</source>
        <translation>短く</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="44"/>
        <source>Medium</source>
        <translation>標準</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="44"/>
        <source>Detailed</source>
        <translation>詳しく</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="45"/>
        <source>Paragraphs</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="45"/>
        <source>Bullet points</source>
        <translation>箇条書き</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="46"/>
        <source>Key points + actions</source>
        <translation>要点+アクション</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="47"/>
        <source>Same as the document</source>
        <translation>文書と同じ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="51"/>
        <source>&lt;div style=&quot;color:#777; margin:40px 20px;&quot;&gt;&lt;p style=&quot;font-size:large;&quot;&gt;Drop a document here&lt;/p&gt;&lt;p&gt;PDF, Word (.docx), text, Markdown or HTML — long ones too: Hearth reads all of it, in parts that fit the model, and cites the pages each point comes from.&lt;/p&gt;&lt;p&gt;Or press &lt;b&gt;Open document…&lt;/b&gt; above. Past summaries are listed on the left.&lt;/p&gt;&lt;/div&gt;</source>
        <translation>&lt;div style=&quot;color:#777; margin:40px 20px;&quot;&gt;&lt;p style=&quot;font-size:large;&quot;&gt;ここに文書をドロップ&lt;/p&gt;&lt;p&gt;PDF、Word (.docx)、テキスト、Markdown、HTML — 長い文書も扱えます。Hearth はモデルに収まる大きさに分けて全文を読み、各ポイントの出典ページを示します。&lt;/p&gt;&lt;p&gt;上の&lt;b&gt;文書を開く…&lt;/b&gt;から選ぶこともできます。過去の要約は左に一覧表示されます。&lt;/p&gt;&lt;/div&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="131"/>
        <source>Open document…</source>
        <translation>文書を開く…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="132"/>
        <source>PDF, Word (.docx), text, Markdown or HTML — or drop the file on this pane</source>
        <translation>PDF、Word (.docx)、テキスト、Markdown、HTML — このペインにファイルをドロップしても開けます</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="152"/>
        <source>Length</source>
        <translation>長さ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="152"/>
        <source>Form</source>
        <translation>形式</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="153"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="154"/>
        <source>{label}:</source>
        <translation>{label}:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="159"/>
        <source>Your own instruction (optional), e.g. focus on decisions and deadlines</source>
        <translation>独自の指示(任意)。例: 決定事項と期限を中心に</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="165"/>
        <source>Start over</source>
        <translation>最初からやり直す</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="166"/>
        <source>Ignore the parts kept from a stopped run of this document and summarise it all again</source>
        <translation>この文書の中断時に保存された部分を使わず、最初から要約し直します</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="171"/>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="172"/>
        <source>Summarise the whole document (resumes a stopped run)</source>
        <translation>文書全体を要約します(中断した処理は再開します)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="176"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="177"/>
        <source>Stop now; the parts already summarised are kept (Esc)</source>
        <translation>今すぐ停止します。要約済みの部分は保存されます (Esc)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="200"/>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="204"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="205"/>
        <source>Delete the selected summary from the history</source>
        <translation>選択した要約を履歴から削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="214"/>
        <source>Partial summaries</source>
        <translation>部分要約</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="237"/>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="356"/>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="643"/>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="797"/>
        <source>Summary</source>
        <translation>要約</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="252"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="253"/>
        <source>Copy the summary (Markdown) to the clipboard</source>
        <translation>要約(Markdown)をクリップボードにコピー</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="255"/>
        <source>Export Markdown…</source>
        <translation>Markdown をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="257"/>
        <source>Export Word…</source>
        <translation>Word をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="291"/>
        <source>{n} page</source>
        <translation>{n} ページ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="291"/>
        <source>{n} pages</source>
        <translation>{n} ページ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="330"/>
        <source>Open a document to summarise</source>
        <translation>要約する文書を開く</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="331"/>
        <source>Documents</source>
        <translation>文書</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="331"/>
        <source>All files</source>
        <translation>すべてのファイル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="338"/>
        <source>A summary is being written: cancel it before opening another document.</source>
        <translation>要約を作成中です。別の文書を開く前にキャンセルしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="354"/>
        <source>Press &lt;b&gt;Start&lt;/b&gt; to summarise {name}.</source>
        <translation>「&lt;b&gt;開始&lt;/b&gt;」を押すと {name} を要約します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="408"/>
        <source>One document at a time: opened {name}.</source>
        <translation>文書は一度に 1 つです: {name} を開きました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="414"/>
        <source>&lt;b&gt;No document&lt;/b&gt; — drop a PDF, Word, text, Markdown or HTML file here</source>
        <translation>&lt;b&gt;文書がありません&lt;/b&gt; — PDF、Word、テキスト、Markdown、HTML ファイルをここにドロップしてください</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="415"/>
        <source>Its pages, characters and tokens, and how it will be summarised, show here before you start.</source>
        <translation>開始前に、ページ数・文字数・トークン数と要約の進め方がここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="423"/>
        <source>Reading the document…</source>
        <translation>文書を読み込んでいます…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="426"/>
        <source>{n} characters</source>
        <translation>{n} 文字</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="428"/>
        <source>{n} tokens</source>
        <translation>{n} トークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="433"/>
        <source>Plan: {plan}.</source>
        <translation>計画: {plan}。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="435"/>
        <source>About {n} model calls in all.</source>
        <translation>モデル呼び出しは全部で約 {n} 回です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="437"/>
        <source>Load a model to count the tokens and see the plan.</source>
        <translation>モデルを読み込むと、トークン数と要約の計画が表示されます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="439"/>
        <source>Note: {warnings}</source>
        <translation>注意: {warnings}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="443"/>
        <source>Ready: press Start</source>
        <translation>準備完了: 「開始」を押してください</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="467"/>
        <source>Writing…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="473"/>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="529"/>
        <source>Reading page {done} of {total}…</source>
        <translation>ページを読み込んでいます({done} / {total})…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="547"/>
        <source>Writing {what} — [{pages}]</source>
        <translation>{what}を作成中 — [{pages}]</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="556"/>
        <source>the summary</source>
        <translation>要約</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="556"/>
        <source>chunk {i}/{n}</source>
        <translation>チャンク {i}/{n}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="558"/>
        <source>combined part {i} (round {level})</source>
        <translation>統合部分 {i}(第 {level} 段階)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="570"/>
        <source>chunk {i}/{n} done</source>
        <translation>チャンク {i}/{n} 完了</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="573"/>
        <source>{done}/{total} steps done</source>
        <translation>{done}/{total} ステップ完了</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="596"/>
        <source>Done in {time}</source>
        <translation>{time}で完了</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="597"/>
        <source>{n} chunk</source>
        <translation>{n} チャンク</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="597"/>
        <source>{n} chunks</source>
        <translation>{n} チャンク</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="598"/>
        <source>{n} model calls</source>
        <translation>モデル呼び出し {n} 回</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="599"/>
        <source>{n} parts resumed</source>
        <translation>{n} 件の部分を再利用</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="626"/>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="626"/>
        <source>{n} parts kept</source>
        <translation>{n} 件の部分を保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="636"/>
        <source>Stopped · {n} part kept</source>
        <translation>停止 · {n} 件の部分を保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="637"/>
        <source>Stopped · {n} parts kept</source>
        <translation>停止 · {n} 件の部分を保存</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="647"/>
        <source>Not finished: {n} partial summary kept (listed in the middle). Press &lt;b&gt;Start&lt;/b&gt; to go on from where it stopped.</source>
        <translation>未完了: {n} 件の部分要約を保存しました(中央に一覧表示)。&lt;b&gt;開始&lt;/b&gt;を押すと中断したところから続けます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="649"/>
        <source>Not finished: {n} partial summaries kept (listed in the middle). Press &lt;b&gt;Start&lt;/b&gt; to go on from where it stopped.</source>
        <translation>未完了: {n} 件の部分要約を保存しました(中央に一覧表示)。&lt;b&gt;開始&lt;/b&gt;を押すと中断したところから続けます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="668"/>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="757"/>
        <source>Summary of {name}</source>
        <translation>{name} の要約</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="678"/>
        <source>{level} · part {i} · [{pages}]</source>
        <translation>{level} · 部分 {i} · [{pages}]</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="684"/>
        <source>No partial summary covers {pages}</source>
        <translation>{pages} を含む部分要約はありません</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="689"/>
        <source>Copied to the clipboard.</source>
        <translation>クリップボードにコピーしました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="700"/>
        <source>Could not read the summaries: {error}</source>
        <translation>要約を読み込めませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="720"/>
        <source>{what}: {error}</source>
        <translation>{what}: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="723"/>
        <source>Could not read the summaries</source>
        <translation>要約を読み込めませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="734"/>
        <source>A summary is being written: the history opens when it is done or cancelled.</source>
        <translation>要約を作成中です。履歴は完了またはキャンセル後に開けます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="737"/>
        <source>Could not open the summary</source>
        <translation>要約を開けませんでした</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="760"/>
        <source>This summary was stopped after {n} part.</source>
        <translation>この要約は {n} 件の部分のあと停止されました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="761"/>
        <source>This summary was stopped after {n} parts.</source>
        <translation>この要約は {n} 件の部分のあと停止されました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="762"/>
        <source>This summary failed after {n} part.</source>
        <translation>この要約は {n} 件の部分のあと失敗しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="763"/>
        <source>This summary failed after {n} parts.</source>
        <translation>この要約は {n} 件の部分のあと失敗しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="764"/>
        <source>This summary did not finish after {n} part.</source>
        <translation>この要約は {n} 件の部分のあと完了しませんでした。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="765"/>
        <source>This summary did not finish after {n} parts.</source>
        <translation>この要約は {n} 件の部分のあと完了しませんでした。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="766"/>
        <source>This summary {status} after {n} part(s).</source>
        <translation>この要約は {n} 件の部分のあと「{status}」になりました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="770"/>
        <source>Open {name} with the same model and options and press &lt;b&gt;Start&lt;/b&gt; to resume it.</source>
        <translation>同じモデルと設定で {name} を開き、&lt;b&gt;開始&lt;/b&gt;を押すと再開できます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="784"/>
        <source>Could not save to the database: {error}</source>
        <translation>データベースに保存できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="807"/>
        <source>Could not delete the summary: {error}</source>
        <translation>要約を削除できませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="812"/>
        <source>Select a summary in the history to delete it.</source>
        <translation>削除する要約を履歴から選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="815"/>
        <source>this summary</source>
        <translation>この要約</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="817"/>
        <source>Delete summary</source>
        <translation>要約を削除</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="818"/>
        <source>Delete the summary of {name} and its partial summaries?</source>
        <translation>{name} の要約と部分要約を削除しますか?</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="829"/>
        <source>Nothing to export yet: finish a summary or pick one in the history.</source>
        <translation>エクスポートできるものはまだありません。要約を完了するか、履歴から選んでください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="838"/>
        <source>Saved {name}.</source>
        <translation>{name} を保存しました。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="842"/>
        <source>Could not export the summary: {error}</source>
        <translation>要約をエクスポートできませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="849"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="849"/>
        <source>Word document (*.docx)</source>
        <translation>Word 文書 (*.docx)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/summarize_pane.py" line="851"/>
        <source>Export summary</source>
        <translation>要約をエクスポート</translation>
    </message>
    <message>
        <source>The reply was unusable ({reason}): writing it again…</source>
        <translation>応答が使えませんでした（{reason}）。書き直しています…</translation>
    </message>
    <message>
        <source>Unusable again ({reason}): taking the most central sentences of the text instead.</source>
        <translation>再び使えませんでした（{reason}）。代わりに本文の中心となる文を使います。</translation>
    </message>
    <message>
        <source>Unusable replies: {n} ({retried} written again, {extracts} replaced by extracts; marked in the parts).</source>
        <translation>使えなかった応答: {n} 件（書き直し {retried} 件、抜粋で置き換え {extracts} 件。部分要約に印を付けています）。</translation>
    </message>
    <message>
        <source>Facts not in the summary: {facts}</source>
        <translation>要約に含まれなかった事実: {facts}</translation>
    </message>
</context>
<context>
    <name>SummaryWidgets</name>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="17"/>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="17"/>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="17"/>
        <source>stopped</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="18"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="19"/>
        <source>short</source>
        <translation>短く</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="19"/>
        <source>medium</source>
        <translation>標準</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="19"/>
        <source>detailed</source>
        <translation>詳しく</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="20"/>
        <source>paragraphs</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="20"/>
        <source>bullet points</source>
        <translation>箇条書き</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="20"/>
        <source>key points</source>
        <translation>要点</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="33"/>
        <source>estimating the time left</source>
        <translation>残り時間を見積もっています</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="36"/>
        <source>about {s} s left</source>
        <translation>残り約 {s} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="39"/>
        <source>about {m} min {s} s left</source>
        <translation>残り約 {m} 分 {s} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="40"/>
        <source>about {m} min left</source>
        <translation>残り約 {m} 分</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="42"/>
        <source>about {h} h {m} min left</source>
        <translation>残り約 {h} 時間 {m} 分</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="48"/>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="50"/>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="51"/>
        <source>{h} h {m} min</source>
        <translation>{h} 時間 {m} 分</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="65"/>
        <source>Chunk summaries</source>
        <translation>チャンクごとの要約</translation>
    </message>
    <message>
        <location filename="../../gui/panes/summarize/widgets.py" line="65"/>
        <source>Combined, round {level}</source>
        <translation>統合(第 {level} 段階)</translation>
    </message>
    <message>
        <source>it went round in a loop</source>
        <translation>同じ内容を繰り返した</translation>
    </message>
    <message>
        <source>it repeated the instruction or page labels</source>
        <translation>指示やページ番号を繰り返した</translation>
    </message>
    <message>
        <source>it copied its text</source>
        <translation>本文をそのまま写した</translation>
    </message>
    <message>
        <source>it was empty</source>
        <translation>空だった</translation>
    </message>
    <message>
        <source>it was garbled</source>
        <translation>文字化けしていた</translation>
    </message>
    <message>
        <source>it was in the wrong language</source>
        <translation>指定と違う言語だった</translation>
    </message>
    <message>
        <source>it had little to do with its text</source>
        <translation>本文とほとんど関係がなかった</translation>
    </message>
    <message>
        <source>it stated things its text does not say</source>
        <translation>本文にないことを書いた</translation>
    </message>
    <message>
        <source>it left out the facts it had to keep</source>
        <translation>残すべき事実を省いた</translation>
    </message>
    <message>
        <source>Written a second time: the first reply was unusable ({reason}).</source>
        <translation>書き直しました。最初の応答は使えませんでした（{reason}）。</translation>
    </message>
    <message>
        <source>An extract: the model&apos;s replies were unusable ({reason}), so these are the text&apos;s most central sentences.</source>
        <translation>抜粋です。モデルの応答が使えなかったため（{reason}）、本文の中心となる文を示しています。</translation>
    </message>
</context>
<context>
    <name>TokenControl</name>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="122"/>
        <source>Hugging Face token</source>
        <translation>Hugging Face トークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="129"/>
        <source>Set…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="130"/>
        <source>Clear</source>
        <translation>クリア</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="138"/>
        <source>Checking the keyring…</source>
        <translation>キーリングを確認しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="184"/>
        <source>Set, {source}.</source>
        <translation>設定済み({source})。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="187"/>
        <source>Not set: public models only.</source>
        <translation>未設定: 公開モデルのみ利用できます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="189"/>
        <source>No system keyring: a token can be used for this session only.</source>
        <translation>システムのキーリングがありません: トークンはこのセッションの間だけ使えます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="192"/>
        <source>Keyring: {backend}</source>
        <translation>キーリング: {backend}</translation>
    </message>
</context>
<context>
    <name>TokenDialog</name>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="30"/>
        <source>Hugging Face access token</source>
        <translation>Hugging Face アクセストークン</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="33"/>
        <source>Gated models (Llama, Gemma…) need a Hugging Face access token, after you accept the model&apos;s licence on its Hub page. Create a read token at huggingface.co/settings/tokens.</source>
        <translation>利用申請が必要なモデル(Llama、Gemma など)には、Hub のモデルページでライセンスに同意したうえで Hugging Face アクセストークンが必要です。読み取り用トークンは huggingface.co/settings/tokens で作成できます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="39"/>
        <source>No system keyring is available.</source>
        <translation>システムのキーリングが使えません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="45"/>
        <source>hf_…</source>
        <translation>hf_…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="48"/>
        <source>Use for this session</source>
        <translation>このセッションで使う</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/token_dialog.py" line="48"/>
        <source>Save in keyring</source>
        <translation>キーリングに保存</translation>
    </message>
</context>
<context>
    <name>VoteBar</name>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="22"/>
        <source>{l} is better</source>
        <translation>{l} の方が良い</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="22"/>
        <source>{r} is better</source>
        <translation>{r} の方が良い</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="23"/>
        <source>Tie</source>
        <translation>引き分け</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="23"/>
        <source>Both bad</source>
        <translation>どちらも悪い</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="53"/>
        <location filename="../../gui/panes/compare/voting.py" line="130"/>
        <source>Which answer is better?</source>
        <translation>どちらの回答が良いですか?</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="56"/>
        <source>vs</source>
        <translation>対</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="69"/>
        <location filename="../../gui/panes/compare/voting.py" line="120"/>
        <source>Reveal</source>
        <translation>公開</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="70"/>
        <source>Show the model names (no more votes on this comparison)</source>
        <translation>モデル名を表示します(この比較ではそれ以上投票できません)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="120"/>
        <source>Reveal without voting</source>
        <translation>投票せずに公開</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="122"/>
        <source>Revealed: </source>
        <translation>公開: </translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="124"/>
        <source>Vote when the answers are complete.</source>
        <translation>回答がそろったら投票してください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="126"/>
        <source>The run was stopped: no vote on incomplete answers.</source>
        <translation>実行が停止されました。未完成の回答には投票できません。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="128"/>
        <source>Vote on pairs of columns (each pair once), then Reveal:</source>
        <translation>列の組ごとに投票し(各組 1 回)、最後に公開してください:</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="153"/>
        <source>{name} better</source>
        <translation>{name} の方が良い</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="154"/>
        <source>tie</source>
        <translation>引き分け</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="154"/>
        <source>both bad</source>
        <translation>どちらも悪い</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="156"/>
        <source>Saving your vote ({word})…</source>
        <translation>投票を保存しています({word})…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="174"/>
        <source>Vote saved ({word}).</source>
        <translation>投票を保存しました({word})。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/compare/voting.py" line="179"/>
        <source>The vote could not be saved: {error}</source>
        <translation>投票を保存できませんでした: {error}</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="14"/>
        <source>Hearth runs AI language models entirely on this computer: your conversations never leave it, and once a model is downloaded it works offline. Models are GGUF files from Hugging Face; Hearth shows how well each one will run on this machine before you download it.</source>
        <translation>Hearth は AI 言語モデルをすべてこのコンピューター上で動かします。会話が外部に送られることはなく、モデルを一度ダウンロードすればオフラインで使えます。モデルは Hugging Face の GGUF ファイルで、Hearth はダウンロード前に、このマシンでどの程度快適に動くかを表示します。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="122"/>
        <source>Welcome to Hearth</source>
        <translation>Hearth へようこそ</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="134"/>
        <source>Chat with it</source>
        <translation>チャットする</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="144"/>
        <source>Suggested models</source>
        <translation>おすすめのモデル</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="146"/>
        <source>Browse all models…</source>
        <translation>すべてのモデルを見る…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="149"/>
        <source>Check on Hugging Face</source>
        <translation>Hugging Face で確認</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="150"/>
        <source>Read the real files and headers of the suggested models from Hugging Face for exact sizes and fit (this goes online)</source>
        <translation>おすすめモデルの実際のファイルとヘッダーを Hugging Face から読み取り、正確なサイズと適合を調べます(オンライン接続します)</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="160"/>
        <location filename="../../gui/panes/models/welcome_view.py" line="232"/>
        <source>Well-known chat models, smallest first, with the recommended file and how it would run here.</source>
        <translation>定番のチャットモデルを小さい順に、推奨ファイルとこのマシンでの動作とともに表示しています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="180"/>
        <source>&lt;b&gt;The starter model is ready to try.&lt;/b&gt; {model} — a very small model that runs anywhere: good for trying Hearth out, not for serious work. Download a larger model below for better answers.</source>
        <translation>&lt;b&gt;スターターモデルをすぐに試せます。&lt;/b&gt;{model} — どの環境でも動くとても小さなモデルです。Hearth のお試し向きで、本格的な作業には向きません。より良い回答が欲しい場合は、下から大きめのモデルをダウンロードしてください。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="186"/>
        <source>&lt;b&gt;No model yet.&lt;/b&gt; Download one of the suggested models below to start chatting (the smallest take a minute or two), or import a GGUF file in Library.</source>
        <translation>&lt;b&gt;モデルがまだありません。&lt;/b&gt;下のおすすめモデルをダウンロードするとチャットを始められます(小さいものなら 1〜2 分)。GGUF ファイルは「ライブラリ」からインポートすることもできます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="191"/>
        <source>Estimating how the suggested models fit this machine…</source>
        <translation>おすすめモデルがこのマシンで動くか見積もっています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="194"/>
        <source>Checking the suggested models on Hugging Face…</source>
        <translation>Hugging Face でおすすめモデルを確認しています…</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="209"/>
        <source>{n} other suggestion is hidden: not on your administrator&apos;s list of allowed repositories.</source>
        <translation>ほかに {n} 件のおすすめは、管理者の許可リストにないため非表示です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="211"/>
        <source>{n} other suggestions are hidden: not on your administrator&apos;s list of allowed repositories.</source>
        <translation>ほかに {n} 件のおすすめは、管理者の許可リストにないため非表示です。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="217"/>
        <source>Well-known chat models, smallest first: {ok} of {n} fit this machine (checked on Hugging Face). Each shows the recommended file and how it would run here.</source>
        <translation>定番のチャットモデル(小さい順): {n} 個中 {ok} 個がこのマシンで動きます(Hugging Face で確認済み)。それぞれ推奨ファイルとこのマシンでの動作を表示しています。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="223"/>
        <source>Well-known chat models, smallest first: {ok} of {n} should fit this machine, estimated from the catalogue (sizes and model shapes shipped with Hearth; nothing was looked up online). Check on Hugging Face reads the real files.</source>
        <translation>定番のチャットモデル(小さい順): {n} 個中 {ok} 個がこのマシンで動く見込みです。カタログからの見積もりです(Hearth 同梱のサイズとモデル構造による。オンライン検索はしていません)。「Hugging Face で確認」で実際のファイルを読み取ります。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="228"/>
        <source>Well-known chat models, smallest first. Hearth could not reach Hugging Face to check them; connect to the internet to see how each would run here.</source>
        <translation>定番のチャットモデルを小さい順に表示しています。Hugging Face に接続できず確認できませんでした。インターネットに接続すると、このマシンでの動作を確認できます。</translation>
    </message>
    <message>
        <location filename="../../gui/panes/models/welcome_view.py" line="236"/>
        <source>The suggested models could not be checked: {error}</source>
        <translation>おすすめモデルを確認できませんでした: {error}</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <location filename="../../gui/i18n.py" line="41"/>
        <source>Follow the system</source>
        <translation>システムに合わせる</translation>
    </message>
</context>
</TS>
