<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>Sig2GPS</name>
    <message>
      <location filename="../plugin/dock.py" line="41" />
      <source>Sig2GPS</source>
      <translation>Sig2GPS</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="65" />
      <source>Reconstruct</source>
      <translation>重建</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="66" />
      <source>Rollouts</source>
      <translation>候选轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="67" />
      <source>Backend log</source>
      <translation>后端日志</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="74" />
      <source>Signaling</source>
      <translation>信令</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="79" />
      <source>Load CSV…</source>
      <translation>加载 CSV…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="81" />
      <source>Layer</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="83" />
      <source>Trace id field</source>
      <translation>轨迹 ID 字段</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="84" />
      <source>Time field</source>
      <translation>时间字段</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="85" />
      <source>Cell id field</source>
      <translation>小区 ID 字段</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="87" />
      <source>(positions from the layer)</source>
      <translation>（位置取自图层）</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="88" />
      <source>Towers table…</source>
      <translation>基站表…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="90" />
      <source>Towers</source>
      <translation>基站</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="93" />
      <source>Traces</source>
      <translation>轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="94" />
      <source>Only records between</source>
      <translation>仅使用以下时间之间的记录</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="106" />
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="112" />
      <source>Road layer</source>
      <translation>道路图层</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="118" />
      <source>Ask backend</source>
      <translation>查询后端</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="119" />
      <source>Start the backend and list the methods it offers</source>
      <translation>启动后端并列出其提供的方法</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="126" />
      <source>Rollout 0 = consensus of the rollouts (video model, 2 or more)</source>
      <translation>轨迹 0 = 各采样轨迹的共识（视频模型，2 条或以上）</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="127" />
      <source>Per frame the median of the sampled rollouts' positions; the samples follow as rollouts 1..K. Measured: 21-26% lower error than one sample at 8 rollouts.</source>
      <translation>每帧取各采样轨迹位置的中位数；采样结果依次作为轨迹 1..K。实测：8 条采样时误差比单次采样低 21-26%。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="130" />
      <source>Send the conditioning tile (video model)</source>
      <translation>发送条件瓦片（视频模型）</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="131" />
      <source>Preview tile</source>
      <translation>预览瓦片</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="141" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="169" />
      <source>Sketch layer</source>
      <translation>草图图层</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="539" />
      <source>Sig2GPS: asking the backend for its methods</source>
      <translation>Sig2GPS：正在查询后端提供的方法</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="584" />
      <source>The backend was stopped; it starts again with the next reconstruction.</source>
      <translation>后端已停止；下次重建时会重新启动。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="101" />
      <source>and</source>
      <translation>至</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="113" />
      <source>Empty: the backend's road network (settings).</source>
      <translation>留空：使用后端的路网（见设置）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="172" />
      <source>Keep</source>
      <translation>保留</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="173" />
      <source>Discard</source>
      <translation>舍弃</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="174" />
      <source>Export kept…</source>
      <translation>导出保留的…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="190" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="190" />
      <source>Restart backend</source>
      <translation>重启后端</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="217" />
      <source>Signaling CSV</source>
      <translation>信令 CSV</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="217" />
      <source>CSV files (*.csv *.txt)</source>
      <translation>CSV 文件 (*.csv *.txt)</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="245" />
      <source>Towers table</source>
      <translation>基站表</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="245" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="289" />
      <source>Choose a signaling layer or load a CSV first.</source>
      <translation>请先选择信令图层或加载 CSV。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="301" />
      <source>Tick at least one trace.</source>
      <translation>请至少勾选一条轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="304" />
      <source>No trace has two or more records in the chosen selection.</source>
      <translation>所选范围内没有包含两条及以上记录的轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="366" />
      <source>A reconstruction is already running.</source>
      <translation>已有重建任务在运行。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="386" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="414" />
      <source>No trajectory came back; see the log tab.</source>
      <translation>没有返回任何轨迹；请查看日志页。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="425" />
      <source>{0} rollout(s) of {1} trace(s) in {2:.1f} s ({3}).</source>
      <translation>{1} 条轨迹的 {0} 个候选，用时 {2:.1f} 秒（{3}）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="428" />
      <source>Cancelled: </source>
      <translation>已取消：</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="445" />
      <source>The sketch layer must be a line layer.</source>
      <translation>草图图层必须是线图层。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="463" />
      <source>Select rollouts in the table first.</source>
      <translation>请先在表格中选择候选轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="483" />
      <source>Nothing to export yet: run a reconstruction first.</source>
      <translation>暂无可导出内容：请先运行重建。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="486" />
      <source>Export kept rollouts</source>
      <translation>导出保留的候选轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="487" />
      <source>Shapefile (*.shp);;GeoPackage (*.gpkg)</source>
      <translation>Shapefile (*.shp);;GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="495" />
      <source>Every rollout is discarded: keep at least one to export.</source>
      <translation>所有候选都已舍弃：请至少保留一个再导出。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="543" />
      <source>Starting the backend…</source>
      <translation>正在启动后端…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="577" />
      <source>(the backend has not written anything yet)</source>
      <translation>（后端尚未输出任何内容）</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="253" />
      <source>{0} cells from {1}</source>
      <translation>来自 {1} 的 {0} 个小区</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="352" />
      <source>The conditioning tile belongs to one trace: tick a single trace to send it.</source>
      <translation>条件瓦片对应单条轨迹：请只勾选一条轨迹再发送。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="380" />
      <source>Reconstructing {0} trace(s) with {1}…</source>
      <translation>正在用 {1} 重建 {0} 条轨迹…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="416" />
      <source>Sig2GPS {0}</source>
      <translation>Sig2GPS {0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="520" />
      <source>Exported {0} rollout(s) to {1} (lines) and {2} (points).</source>
      <translation>已将 {0} 条候选轨迹导出到 {1}（线）和 {2}（点）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="575" />
      <source>The Sig2GPS backend stopped unexpectedly; it restarts with the next reconstruction (or use Restart backend in the log tab). Its log ends with: {0}</source>
      <translation>Sig2GPS 后端意外停止；下次重建时会自动重启（或在日志页点击“重启后端”）。其日志结尾：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="236" />
      <source>Loaded {0} trace(s) from {1}; {2} skipped (see the log tab).</source>
      <translation>已从 {1} 加载 {0} 条轨迹；跳过 {2} 条（见日志页）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="239" />
      <source>Loaded {0} trace(s) from {1}.</source>
      <translation>已从 {1} 加载 {0} 条轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="291" />
      <source>Layer {0} has no time field: choose the field that holds each record's time (date-time, Unix seconds or ISO 8601).</source>
      <translation>图层 {0} 没有时间字段：请选择保存每条记录时间的字段（日期时间、Unix 秒或 ISO 8601）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="449" />
      <source>The sketch layer {0} has no line yet: draw one, then pick it again.</source>
      <translation>草图图层 {0} 中还没有线：请先绘制，再重新选择。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="553" />
      <source>(needs a model or other input)</source>
      <translation>（需要模型或其他输入）</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="558" />
      <source>The backend offers: {0}</source>
      <translation>后端提供：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="359" />
      <source>The request is not valid: {0}</source>
      <translation>请求无效：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="430" />
      <source>{0} trace(s) failed (see the log tab).</source>
      <translation>{0} 条轨迹失败（见日志页）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="507" />
      <source>Overwrite?</source>
      <translation>覆盖？</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="509" />
      <source>Export cancelled; {0} was left as it was.</source>
      <translation>导出已取消；{0} 保持不变。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="536" />
      <source>The Sig2GPS backend is not available: {0}</source>
      <translation>Sig2GPS 后端不可用：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="507" />
      <source>{0} exists. Replace it?</source>
      <translation>{0} 已存在。是否替换？</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="23" />
      <source>Cannot export to {0}: use a .shp (Shapefile) or .gpkg (GeoPackage) name.</source>
      <translation>无法导出到 {0}：请使用 .shp（Shapefile）或 .gpkg（GeoPackage）文件名。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="45" />
      <source>Cannot add a layer to {0}: only an existing GeoPackage takes more layers.</source>
      <translation>无法向 {0} 添加图层：只有已存在的 GeoPackage 可以添加更多图层。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="48" />
      <source>{0} exists already; choose another name or allow overwriting.</source>
      <translation>{0} 已存在；请换一个名称或允许覆盖。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="70" />
      <source>Export to {0} failed: {1}</source>
      <translation>导出到 {0} 失败：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="114" />
      <source>{0} trajectories</source>
      <translation>{0} 轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="115" />
      <source>{0} points</source>
      <translation>{0} 点</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="150" />
      <source>rollout {0}</source>
      <translation>候选 {0}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="195" />
      <source>empty time</source>
      <translation>时间为空</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="209" />
      <source>No valid signaling layer is selected.</source>
      <translation>未选择有效的信令图层。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="211" />
      <source>trace id</source>
      <translation>轨迹 ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="211" />
      <source>time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="212" />
      <source>cell id</source>
      <translation>小区 ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="192" />
      <source>invalid date-time</source>
      <translation>无效的日期时间</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="74" />
      <source>Layer {0} has no field {1} for the cell id.</source>
      <translation>图层 {0} 没有用作小区 ID 的字段 {1}。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="88" />
      <source>File not found: {0}</source>
      <translation>找不到文件：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="111" />
      <source>{0}, line {1}, field {2}: {3} is out of range</source>
      <translation>{0}，第 {1} 行，字段 {2}：{3} 超出范围</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="126" />
      <source>{0}: without longitude and latitude columns, load a towers table first to place the cells.</source>
      <translation>{0}：没有经纬度列，请先加载基站表以确定小区位置。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="139" />
      <source>empty cell id</source>
      <translation>小区 ID 为空</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="218" />
      <source>Layer {0} has no point geometry; give a towers table to place its cells.</source>
      <translation>图层 {0} 没有点几何；请提供基站表以确定小区位置。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="93" />
      <source>{0}, line 1: the file is empty (a header row is needed).</source>
      <translation>{0}，第 1 行：文件为空（需要表头行）。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="96" />
      <source>{0}, line 1: missing column(s) {1}; the header has {2}. Use the field mapping to name the columns.</source>
      <translation>{0}，第 1 行：缺少列 {1}；表头为 {2}。请用字段映射指定各列。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="108" />
      <source>{0}, line {1}, field {2}: not a number: {3!r}</source>
      <translation>{0}，第 {1} 行，字段 {2}：不是数字：{3!r}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="214" />
      <source>Layer {0} has no {1} field {2}; its fields are {3}.</source>
      <translation>图层 {0} 没有{1}字段 {2}；其字段为 {3}。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="256" />
      <source>Trace {0}: {1} record(s) in the chosen window; at least 2 are needed (skipped)</source>
      <translation>轨迹 {0}：所选时间窗内有 {1} 条记录；至少需要 2 条（已跳过）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="231" />
      <source>Layer {0}, feature {1}, field {2}: {3} (trace {4} skipped)</source>
      <translation>图层 {0}，要素 {1}，字段 {2}：{3}（已跳过轨迹 {4}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="245" />
      <source>Layer {0}, feature {1}, field {2}: no position for cell {3} (trace {4} skipped)</source>
      <translation>图层 {0}，要素 {1}，字段 {2}：小区 {3} 没有位置（已跳过轨迹 {4}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="149" />
      <source>no position: cell {0} is not in the towers table</source>
      <translation>无位置：小区 {0} 不在基站表中</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="152" />
      <source>{0}, line {1}, field {2}: {3} (trace {4} skipped)</source>
      <translation>{0}，第 {1} 行，字段 {2}：{3}（已跳过轨迹 {4}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="154" />
      <source>{0} (trace {1} skipped)</source>
      <translation>{0}（已跳过轨迹 {1}）</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="48" />
      <source>Sig2GPS: reconstruct trajectories</source>
      <translation>Sig2GPS：重建轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="51" />
      <source>Sig2GPS settings…</source>
      <translation>Sig2GPS 设置…</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="55" />
      <source>&amp;Sig2GPS</source>
      <translation>&amp;Sig2GPS</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="34" />
      <source>Reconstruct GPS trajectories from signaling</source>
      <translation>从信令重建 GPS 轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="37" />
      <source>Sends the signaling traces to the local Sig2GPS backend and returns one line per trace and rollout (rollout 0 is the method's best) with start/end time, length and score, plus the timestamped points. Without a road layer the backend's own road network is used.</source>
      <translation>将信令轨迹发送到本地 Sig2GPS 后端，为每条轨迹的每个候选返回一条线（候选 0 为该方法的最佳结果），包含起止时间、长度和得分，以及带时间戳的点。未指定道路图层时使用后端自带的路网。</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="42" />
      <source>Signaling layer</source>
      <translation>信令图层</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="47" />
      <source>Towers layer (cell positions)</source>
      <translation>基站图层（小区位置）</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="49" />
      <source>Towers' cell id field</source>
      <translation>基站的小区 ID 字段</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="54" />
      <source>Rollouts per trace</source>
      <translation>每条轨迹的候选数</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="56" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="58" />
      <source>Trajectories</source>
      <translation>轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="60" />
      <source>Timestamped points</source>
      <translation>带时间戳的点</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="88" />
      <source>Reconstructing {0} trace(s) with {1}</source>
      <translation>正在用 {1} 重建 {0} 条轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="96" />
      <source>Trace {0}: {1}</source>
      <translation>轨迹 {0}：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="85" />
      <source>No usable trace in {0}.</source>
      <translation>{0} 中没有可用的轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/request.py" line="94" />
      <source>The road layer must be a valid line layer.</source>
      <translation>道路图层必须是有效的线图层。</translation>
    </message>
    <message>
      <location filename="../plugin/request.py" line="113" />
      <source>The road layer {0} has no lines.</source>
      <translation>道路图层 {0} 中没有线。</translation>
    </message>
    <message>
      <location filename="../plugin/request.py" line="110" />
      <source>The road layer {0} has more than {1} lines; clip it to the area of the traces.</source>
      <translation>道路图层 {0} 的线超过 {1} 条；请裁剪到轨迹所在区域。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="97" />
      <source>No Sig2GPS backend is configured (set the backend's Python in the settings).</source>
      <translation>未配置 Sig2GPS 后端（请在设置中指定后端的 Python）。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="61" />
      <source>Sig2GPS reconstruction ({0})</source>
      <translation>Sig2GPS 重建（{0}）</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="101" />
      <source>The Sig2GPS backend could not start: {0}</source>
      <translation>Sig2GPS 后端无法启动：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="108" />
      <source>The Sig2GPS backend stopped answering ({0}). It will be restarted; run the reconstruction again.</source>
      <translation>Sig2GPS 后端已停止响应（{0}）。它将被重启；请重新运行重建。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="111" />
      <source>The reconstruction failed in the backend: {0}</source>
      <translation>后端重建失败：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="114" />
      <source> (field {0})</source>
      <translation>（字段 {0}）</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="115" />
      <source>The backend refused the job: {0}{1}</source>
      <translation>后端拒绝了该任务：{0}{1}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="44" />
      <source>{0} was cancelled.</source>
      <translation>{0} 已取消。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="47" />
      <source>{0} failed: {1}</source>
      <translation>{0} 失败：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="44" />
      <source>Signaling columns</source>
      <translation>信令列</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="50" />
      <source>Trace id</source>
      <translation>轨迹 ID</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="50" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="51" />
      <source>Cell id</source>
      <translation>小区 ID</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="51" />
      <source>Longitude</source>
      <translation>经度</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="52" />
      <source>Latitude</source>
      <translation>纬度</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="55" />
      <source>(none: use the towers table)</source>
      <translation>（无：使用基站表）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="21" />
      <source>Cannot read {0}: {1}</source>
      <translation>无法读取 {0}：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="48" />
      <source>Which column of {0} holds what?</source>
      <translation>{0} 的各列分别是什么？</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="21" />
      <source>No frames yet: run a reconstruction.</source>
      <translation>暂无帧：请先运行重建。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="24" />
      <source>Play</source>
      <translation>播放</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="58" />
      <source>This method draws no frames; the trajectories are on the map.</source>
      <translation>此方法不生成帧；轨迹已显示在地图上。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="105" />
      <source>Pause</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="94" />
      <source>frame {0}/{1}</source>
      <translation>第 {0}/{1} 帧</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="19" />
      <source>Trace</source>
      <translation>轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="19" />
      <source>Rollout</source>
      <translation>候选</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="19" />
      <source>Score</source>
      <translation>得分</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="19" />
      <source>Length (m)</source>
      <translation>长度（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="20" />
      <source>Mean to sketch (m)</source>
      <translation>到草图的平均距离（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="20" />
      <source>Hausdorff (m)</source>
      <translation>豪斯多夫距离（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="20" />
      <source>Fréchet (m)</source>
      <translation>弗雷歇距离（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="64" />
      <source>kept</source>
      <translation>保留</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="64" />
      <source>discarded</source>
      <translation>舍弃</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="14" />
      <source>Sig2GPS settings</source>
      <translation>Sig2GPS 设置</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="18" />
      <source>The backend's Python interpreter</source>
      <translation>后端的 Python 解释器</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="21" />
      <source>Road networks (*.osm *.pbf *.gz *.bz2 *.shp *.gpkg *.geojson)</source>
      <translation>路网 (*.osm *.pbf *.gz *.bz2 *.shp *.gpkg *.geojson)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="25" />
      <source>Backend Python</source>
      <translation>后端 Python</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="26" />
      <source>Default road network</source>
      <translation>默认路网</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="23" />
      <source>The backend runs in its own Python (with the sig2gps package and, for the video model, torch). `make install-plugin` sets the project's .venv.</source>
      <translation>后端运行在独立的 Python 中（需安装 sig2gps 包，视频模型还需要 torch）。`make install-plugin` 会设置为项目的 .venv。</translation>
    </message>
    <message>
      <source>Exported {0} rollout(s) to {1}.</source>
      <translation type="obsolete">已将 {0} 个候选导出到 {1}。</translation>
    </message>
  </context>
</TS>
