<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>Sig2GPS</name>
    <message>
      <location filename="../plugin/dock.py" line="29" />
      <source>Sig2GPS</source>
      <translation>Sig2GPS</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="56" />
      <source>Reconstruct</source>
      <translation>重建</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="57" />
      <source>Rollouts</source>
      <translation>候选轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="58" />
      <source>Backend log</source>
      <translation>后端日志</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="86" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="89" />
      <source>Help</source>
      <translation>帮助</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="90" />
      <source>Open the user guide</source>
      <translation>打开用户指南</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="349" />
      <source>Sig2GPS: asking the backend for its methods</source>
      <translation>Sig2GPS：正在查询后端提供的方法</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="391" />
      <source>The backend was stopped; it starts again with the next reconstruction.</source>
      <translation>后端已停止；下次重建时会重新启动。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="161" />
      <source>Nothing to save yet: run a reconstruction first.</source>
      <translation>尚无可保存的内容：请先运行一次重建。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="164" />
      <source>Save the runs' layers</source>
      <translation>保存各次运行的图层</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="164" />
      <source>GeoPackage (*.gpkg)</source>
      <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="246" />
      <source>A reconstruction is already running.</source>
      <translation>已有重建任务在运行。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="266" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="316" />
      <source>{0} rollout(s) of {1} trace(s) in {2:.1f} s ({3}).</source>
      <translation>{1} 条轨迹的 {0} 个候选，用时 {2:.1f} 秒（{3}）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="320" />
      <source>Cancelled; what finished before: </source>
      <translation>已取消；取消前完成的部分：</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="353" />
      <source>Starting the backend…</source>
      <translation>正在启动后端…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="384" />
      <source>(the backend has not written anything yet)</source>
      <translation>（后端尚未输出任何内容）</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="189" />
      <source>Saved {0} run(s) to {1}; the map now shows the saved layers.</source>
      <translation>已将 {0} 次运行保存到 {1}；地图现在显示已保存的图层。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="232" />
      <source>The conditioning tile belongs to one trace: tick a single trace to send it.</source>
      <translation>条件瓦片对应单条轨迹：请只勾选一条轨迹再发送。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="260" />
      <source>Reconstructing {0} trace(s) with {1}…</source>
      <translation>正在用 {1} 重建 {0} 条轨迹…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="300" />
      <source>Cancelled before any trace was finished.</source>
      <translation>已取消，尚无轨迹完成。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="302" />
      <source>No trajectory came back; see the log tab.</source>
      <translation>没有返回任何轨迹；请查看日志页。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="382" />
      <source>The Sig2GPS backend (process {0}) {1}. It restarts with the next reconstruction (or use Restart backend in the log tab); its log is in the log tab.</source>
      <translation>Sig2GPS 后端（进程 {0}）{1}。下次重建时会自动重启（也可在日志页点击“重启后端”）；其日志见日志页。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="323" />
      <source>{0} trace(s) failed (see the log tab).</source>
      <translation>{0} 条轨迹失败（见日志页）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="328" />
      <source>{0} rollout(s) failed the plausibility check (grey on the map, red in the table).</source>
      <translation>{0} 个候选未通过合理性检查（地图上为灰色，表格中为红色）。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="331" />
      <source>trace {0}, rollout {1}: {2}</source>
      <translation>轨迹 {0}，候选 {1}：{2}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="364" />
      <source>The backend offers: {0}</source>
      <translation>后端提供：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="172" />
      <source>Overwrite?</source>
      <translation>覆盖？</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="174" />
      <source>Saving cancelled; {0} was left as it was.</source>
      <translation>已取消保存；{0} 保持不变。</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="239" />
      <source>The request is not valid: {0}</source>
      <translation>请求无效：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="346" />
      <source>The Sig2GPS backend is not available: {0}</source>
      <translation>Sig2GPS 后端不可用：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="172" />
      <source>{0} exists. Replace it?</source>
      <translation>{0} 已存在。是否替换？</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="28" />
      <source>Cannot export to {0}: use a .shp (Shapefile) or .gpkg (GeoPackage) name.</source>
      <translation>无法导出到 {0}：请使用 .shp（Shapefile）或 .gpkg（GeoPackage）文件名。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="50" />
      <source>Cannot add a layer to {0}: only an existing GeoPackage takes more layers.</source>
      <translation>无法向 {0} 添加图层：只有已存在的 GeoPackage 可以添加更多图层。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="53" />
      <source>{0} exists already; choose another name or allow overwriting.</source>
      <translation>{0} 已存在；请换一个名称或允许覆盖。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="75" />
      <source>Export to {0} failed: {1}</source>
      <translation>导出到 {0} 失败：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="98" />
      <source>Export to {0}: the GeoPackage cannot be reopened to store UTC times.</source>
      <translation>导出到 {0}：无法重新打开 GeoPackage 以写入 UTC 时间。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="104" />
      <source>Export to {0}: {1} features written but {2} expected.</source>
      <translation>导出到 {0}：写入了 {1} 个要素，但应为 {2} 个。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="66" />
      <source>implausible</source>
      <translation>不合理</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="143" />
      <source>{0} trajectories</source>
      <translation>{0} 轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="144" />
      <source>{0} points</source>
      <translation>{0} 点</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="198" />
      <source> (failed)</source>
      <translation>（失败）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="198" />
      <source>{0}, rollout {1}</source>
      <translation>{0}，候选 {1}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="28" />
      <source>{0} rollouts</source>
      <translation>{0} 个候选</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="28" />
      <source>seed {0}</source>
      <translation>随机种子 {0}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="32" />
      <source>consensus</source>
      <translation>共识</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="30" />
      <source>{0} steps</source>
      <translation>{0} 步</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="111" />
      <source>The saved layer {0} in {1} cannot be opened.</source>
      <translation>无法打开 {1} 中已保存的图层 {0}。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="221" />
      <source>empty time</source>
      <translation>时间为空</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="235" />
      <source>No valid signaling layer is selected.</source>
      <translation>未选择有效的信令图层。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="237" />
      <source>trace id</source>
      <translation>轨迹 ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="237" />
      <source>time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="238" />
      <source>cell id</source>
      <translation>小区 ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="218" />
      <source>invalid date-time</source>
      <translation>无效的日期时间</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="50" />
      <source>position {0}, {1} is not a longitude/latitude</source>
      <translation>位置 {0}, {1} 不是经纬度</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="89" />
      <source>Layer {0} has no field {1} for the cell id.</source>
      <translation>图层 {0} 没有用作小区 ID 的字段 {1}。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="114" />
      <source>File not found: {0}</source>
      <translation>找不到文件：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="137" />
      <source>{0}, line {1}, field {2}: {3} is out of range</source>
      <translation>{0}，第 {1} 行，字段 {2}：{3} 超出范围</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="152" />
      <source>{0}: without longitude and latitude columns, load a towers table first to place the cells.</source>
      <translation>{0}：没有经纬度列，请先加载基站表以确定小区位置。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="165" />
      <source>empty cell id</source>
      <translation>小区 ID 为空</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="245" />
      <source>Layer {0} has no point geometry and no {1}/{2} columns; give a towers table to place its cells.</source>
      <translation>图层 {0} 既没有点几何，也没有 {1}/{2} 列；请提供基站表以确定其小区位置。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="48" />
      <source>no number in {0}/{1}</source>
      <translation>{0}/{1} 中不是数字</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="93" />
      <source>Towers layer {0} has no geometry and no {1}/{2} columns; its fields are {3}.</source>
      <translation>基站图层 {0} 既没有几何，也没有 {1}/{2} 列；其字段为 {3}。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="119" />
      <source>{0}, line 1: the file is empty (a header row is needed).</source>
      <translation>{0}，第 1 行：文件为空（需要表头行）。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="122" />
      <source>{0}, line 1: missing column(s) {1}; the header has {2}. Use the field mapping to name the columns.</source>
      <translation>{0}，第 1 行：缺少列 {1}；表头为 {2}。请用字段映射指定各列。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="134" />
      <source>{0}, line {1}, field {2}: not a number: {3!r}</source>
      <translation>{0}，第 {1} 行，字段 {2}：不是数字：{3!r}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="240" />
      <source>Layer {0} has no {1} field {2}; its fields are {3}.</source>
      <translation>图层 {0} 没有{1}字段 {2}；其字段为 {3}。</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="291" />
      <source>Trace {0}: {1} record(s) in the chosen window; at least 2 are needed (skipped)</source>
      <translation>轨迹 {0}：所选时间窗内有 {1} 条记录；至少需要 2 条（已跳过）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="258" />
      <source>Layer {0}, feature {1}, field {2}: {3} (trace {4} skipped)</source>
      <translation>图层 {0}，要素 {1}，字段 {2}：{3}（已跳过轨迹 {4}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="99" />
      <source>Towers layer {0}, feature {1}: {2}</source>
      <translation>基站图层 {0}，要素 {1}：{2}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="175" />
      <source>no position: cell {0} is not in the towers table</source>
      <translation>无位置：小区 {0} 不在基站表中</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="178" />
      <source>{0}, line {1}, field {2}: {3} (trace {4} skipped)</source>
      <translation>{0}，第 {1} 行，字段 {2}：{3}（已跳过轨迹 {4}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="180" />
      <source>{0} (trace {1} skipped)</source>
      <translation>{0}（已跳过轨迹 {1}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="280" />
      <source>Layer {0}, feature {1}, field {2}: no position for cell {3} (trace {4} skipped)</source>
      <translation>图层 {0}，要素 {1}，字段 {2}：小区 {3} 没有位置（已跳过轨迹 {4}）</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="273" />
      <source>Layer {0}, feature {1}: {2} (trace {3} skipped)</source>
      <translation>图层 {0}，要素 {1}：{2}（已跳过轨迹 {3}）</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="65" />
      <source>Sig2GPS: reconstruct trajectories</source>
      <translation>Sig2GPS：重建轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="68" />
      <source>Sig2GPS settings…</source>
      <translation>Sig2GPS 设置…</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="72" />
      <source>&amp;Sig2GPS</source>
      <translation>&amp;Sig2GPS</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="36" />
      <source>Reconstruct GPS trajectories from signaling</source>
      <translation>从信令重建 GPS 轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="39" />
      <source>Sends the signaling traces to the local Sig2GPS backend and returns one line per trace and rollout (rollout 0 is the method's best) with start/end time, length and score, plus the timestamped points. Without a road layer the backend's own road network is used.</source>
      <translation>将信令轨迹发送到本地 Sig2GPS 后端，为每条轨迹的每个候选返回一条线（候选 0 为该方法的最佳结果），包含起止时间、长度和得分，以及带时间戳的点。未指定道路图层时使用后端自带的路网。</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="60" />
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="44" />
      <source>Signaling layer (points, or a table with lon/lat columns)</source>
      <translation>信令图层（点图层，或带 lon/lat 列的表）</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="47" />
      <source>Trace id field</source>
      <translation>轨迹 ID 字段</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="48" />
      <source>Time field</source>
      <translation>时间字段</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="49" />
      <source>Cell id field</source>
      <translation>小区 ID 字段</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="50" />
      <source>Towers layer (points, or a table with lon/lat columns)</source>
      <translation>基站图层（点图层，或带 lon/lat 列的表）</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="53" />
      <source>Towers' cell id field</source>
      <translation>基站的小区 ID 字段</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="55" />
      <source>Road layer</source>
      <translation>道路图层</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="64" />
      <source>Rollouts per trace</source>
      <translation>每条轨迹的候选数</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="66" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="68" />
      <source>Trajectories</source>
      <translation>轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="70" />
      <source>Timestamped points</source>
      <translation>带时间戳的点</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="90" />
      <source>No signaling layer was given.</source>
      <translation>未提供信令图层。</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="100" />
      <source>Reconstructing {0} trace(s) with {1}</source>
      <translation>正在用 {1} 重建 {0} 条轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="108" />
      <source>Trace {0}: {1}</source>
      <translation>轨迹 {0}：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="97" />
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
      <location filename="../plugin/tasks.py" line="96" />
      <source>No Sig2GPS backend is configured (set the backend's Python in the settings).</source>
      <translation>未配置 Sig2GPS 后端（请在设置中指定后端的 Python）。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="107" />
      <source>Cancelled. The backend was still in a long step; it drops the job when that step ends.</source>
      <translation>已取消。后端仍在执行一个较长的步骤；该步骤结束后会丢弃此任务。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="60" />
      <source>Sig2GPS reconstruction ({0})</source>
      <translation>Sig2GPS 重建（{0}）</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="100" />
      <source>The Sig2GPS backend could not start: {0}</source>
      <translation>Sig2GPS 后端无法启动：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="110" />
      <source>The Sig2GPS backend stopped answering ({0}). It will be restarted; run the reconstruction again.</source>
      <translation>Sig2GPS 后端已停止响应（{0}）。它将被重启；请重新运行重建。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="113" />
      <source>The reconstruction failed in the backend: {0}</source>
      <translation>后端重建失败：{0}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="116" />
      <source> (field {0})</source>
      <translation>（字段 {0}）</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="117" />
      <source>The backend refused the job: {0}{1}</source>
      <translation>后端拒绝了该任务：{0}{1}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="44" />
      <source>{0} was cancelled.</source>
      <translation>{0} 已取消。</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="46" />
      <source>{0} failed: {1}</source>
      <translation>{0} 失败：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="149" />
      <source>Choose both longitude and latitude, or neither (positions from the towers table).</source>
      <translation>请同时选择经度和纬度，或都不选（位置取自基站表）。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="151" />
      <source>Choose the longitude and latitude columns, or load a towers table first.</source>
      <translation>请选择经度和纬度列，或先加载基站表。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Trace id</source>
      <translation>轨迹 ID</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Cell id</source>
      <translation>小区 ID</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Longitude</source>
      <translation>经度</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="166" />
      <source>Latitude</source>
      <translation>纬度</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="172" />
      <source>Signaling columns</source>
      <translation>信令列</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="194" />
      <source>The first rows as they will be read (times in UTC):</source>
      <translation>前几行的读取结果（时间为 UTC）：</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="147" />
      <source>Choose the column that holds the {0}.</source>
      <translation>请选择包含“{0}”的列。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="158" />
      <source>Column {0} is chosen for both {1} and {2}; each column can hold one thing only.</source>
      <translation>列 {0} 同时被选为 {1} 和 {2}；每列只能对应一项。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="183" />
      <source>(none: use the towers table)</source>
      <translation>（无：使用基站表）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="183" />
      <source>(choose a column)</source>
      <translation>（请选择列）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="196" />
      <source>Problem</source>
      <translation>问题</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="51" />
      <source>Cannot read {0}: {1}</source>
      <translation>无法读取 {0}：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="53" />
      <source>{0} is not a readable CSV text file: {1}</source>
      <translation>{0} 不是可读取的 CSV 文本文件：{1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="177" />
      <source>Which column of {0} holds what?</source>
      <translation>{0} 的各列分别是什么？</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="240" />
      <source>{0} {1} out of range</source>
      <translation>{0} {1} 超出范围</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="242" />
      <source>{0} is not a number: {1!r}</source>
      <translation>{0} 不是数字：{1!r}</translation>
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
      <location filename="../plugin/ui/log_panel.py" line="18" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../plugin/ui/log_panel.py" line="18" />
      <source>Restart backend</source>
      <translation>重启后端</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="37" />
      <source>Ask backend</source>
      <translation>查询后端</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="38" />
      <source>Start the backend and list the methods it offers</source>
      <translation>启动后端并列出其提供的方法</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="45" />
      <source>Rollout 0 = consensus of the rollouts (video model, 2 or more)</source>
      <translation>轨迹 0 = 各采样轨迹的共识（视频模型，2 条或以上）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="46" />
      <source>Per frame the median of the sampled rollouts' positions; the samples follow as rollouts 1..K. Measured: 21-26% lower error than one sample at 8 rollouts.</source>
      <translation>每帧取各采样轨迹位置的中位数；采样结果依次作为轨迹 1..K。实测：8 条采样时误差比单次采样低 21-26%。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="49" />
      <source>Send the conditioning tile (video model)</source>
      <translation>发送条件瓦片（视频模型）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="50" />
      <source>Preview tile</source>
      <translation>预览瓦片</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="32" />
      <source>Empty: the backend's road network (settings).</source>
      <translation>留空：使用后端的路网（见设置）。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="82" />
      <source>(needs a model or other input)</source>
      <translation>（需要模型或其他输入）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="38" />
      <source>Sketch layer</source>
      <translation>草图图层</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="96" />
      <source>Sig2GPS: comparing rollouts to the sketch</source>
      <translation>Sig2GPS：将候选轨迹与草图比较</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="41" />
      <source>Keep</source>
      <translation>保留</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="42" />
      <source>Discard</source>
      <translation>舍弃</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="43" />
      <source>Export kept…</source>
      <translation>导出保留的…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="44" />
      <source>Save runs…</source>
      <translation>保存运行…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="73" />
      <source>The sketch layer must be a line layer.</source>
      <translation>草图图层必须是线图层。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="104" />
      <source>Select rollouts in the table first.</source>
      <translation>请先在表格中选择候选轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="143" />
      <source>Nothing to export yet: run a reconstruction first.</source>
      <translation>暂无可导出内容：请先运行重建。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="146" />
      <source>Export kept rollouts</source>
      <translation>导出保留的候选轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="147" />
      <source>Shapefile (*.shp);;GeoPackage (*.gpkg)</source>
      <translation>Shapefile (*.shp);;GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="155" />
      <source>Every rollout is discarded: keep at least one to export.</source>
      <translation>所有候选都已舍弃：请至少保留一个再导出。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="180" />
      <source>Exported {0} rollout(s) to {1} (lines) and {2} (points).</source>
      <translation>已将 {0} 条候选轨迹导出到 {1}（线）和 {2}（点）。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="77" />
      <source>The sketch layer {0} has no line yet: draw one, then pick it again.</source>
      <translation>草图图层 {0} 中还没有线：请先绘制，再重新选择。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="169" />
      <source>Export cancelled; {0} was left as it was.</source>
      <translation>导出已取消；{0} 保持不变。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="42" />
      <source>Length of the rollout divided by the length of the signaling's own path</source>
      <translation>候选轨迹长度除以信令自身路径的长度</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="43" />
      <source>Share of the rollout that lies on roads</source>
      <translation>候选轨迹位于道路上的比例</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="46" />
      <source>The method's own score: it ranks the rollouts of this run; scores of different methods are not on one scale. Compare methods by the plausibility columns and the sketch distances.</source>
      <translation>方法自身的评分：用于对本次运行的候选轨迹排序；不同方法的评分不在同一尺度上。请用合理性各列和与草图的距离来比较方法。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Trace</source>
      <translation>轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Rollout</source>
      <translation>候选</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Score</source>
      <translation>得分</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Length (m)</source>
      <translation>长度（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>Max speed (km/h)</source>
      <translation>最高速度 (km/h)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>Length ratio</source>
      <translation>长度比</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>On road</source>
      <translation>在道路上</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>Check</source>
      <translation>检查</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="39" />
      <source>Mean to sketch (m)</source>
      <translation>到草图的平均距离（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="39" />
      <source>Hausdorff (m)</source>
      <translation>豪斯多夫距离（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="39" />
      <source>Fréchet (m)</source>
      <translation>弗雷歇距离（米）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="80" />
      <source>ok</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="112" />
      <source>kept</source>
      <translation>保留</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="112" />
      <source>discarded</source>
      <translation>舍弃</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="80" />
      <source>failed: {0}</source>
      <translation>失败：{0}</translation>
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
      <location filename="../plugin/ui/signaling_panel.py" line="29" />
      <source>Signaling</source>
      <translation>信令</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="36" />
      <source>Load CSV…</source>
      <translation>加载 CSV…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="38" />
      <source>Layer</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="44" />
      <source>(positions from the layer)</source>
      <translation>（位置取自图层）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="45" />
      <source>Towers table…</source>
      <translation>基站表…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="47" />
      <source>Towers</source>
      <translation>基站</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="50" />
      <source>Traces</source>
      <translation>轨迹</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="51" />
      <source>Only records between (UTC)</source>
      <translation>仅限以下时间之间的记录（UTC）</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="61" />
      <source>and</source>
      <translation>至</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="73" />
      <source>Signaling CSV</source>
      <translation>信令 CSV</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="73" />
      <source>CSV files (*.csv *.txt)</source>
      <translation>CSV 文件 (*.csv *.txt)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="101" />
      <source>Towers table</source>
      <translation>基站表</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="101" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="147" />
      <source>Choose a signaling layer or load a CSV first.</source>
      <translation>请先选择信令图层或加载 CSV。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="159" />
      <source>Tick at least one trace.</source>
      <translation>请至少勾选一条轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="162" />
      <source>No trace has two or more records in the chosen selection.</source>
      <translation>所选范围内没有包含两条及以上记录的轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="109" />
      <source>{0} cells from {1}</source>
      <translation>来自 {1} 的 {0} 个小区</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="92" />
      <source>Loaded {0} trace(s) from {1}; {2} skipped (see the log tab).</source>
      <translation>已从 {1} 加载 {0} 条轨迹；跳过 {2} 条（见日志页）。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="95" />
      <source>Loaded {0} trace(s) from {1}.</source>
      <translation>已从 {1} 加载 {0} 条轨迹。</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="149" />
      <source>Layer {0} has no time field: choose the field that holds each record's time (date-time, Unix seconds or ISO 8601).</source>
      <translation>图层 {0} 没有时间字段：请选择保存每条记录时间的字段（日期时间、Unix 秒或 ISO 8601）。</translation>
    </message>
    <message>
      <source>Only records between</source>
      <translation type="obsolete">仅使用以下时间之间的记录</translation>
    </message>
    <message>
      <source>Cancelled: </source>
      <translation type="obsolete">已取消：</translation>
    </message>
    <message>
      <source>Sig2GPS {0}</source>
      <translation type="obsolete">Sig2GPS {0}</translation>
    </message>
    <message>
      <source>The Sig2GPS backend stopped unexpectedly; it restarts with the next reconstruction (or use Restart backend in the log tab). Its log ends with: {0}</source>
      <translation type="obsolete">Sig2GPS 后端意外停止；下次重建时会自动重启（或在日志页点击“重启后端”）。其日志结尾：{0}</translation>
    </message>
    <message>
      <source>rollout {0}</source>
      <translation type="obsolete">候选 {0}</translation>
    </message>
    <message>
      <source>Layer {0} has no point geometry; give a towers table to place its cells.</source>
      <translation type="obsolete">图层 {0} 没有点几何；请提供基站表以确定小区位置。</translation>
    </message>
    <message>
      <source>Signaling layer</source>
      <translation type="obsolete">信令图层</translation>
    </message>
    <message>
      <source>Towers layer (cell positions)</source>
      <translation type="obsolete">基站图层（小区位置）</translation>
    </message>
    <message>
      <source>Exported {0} rollout(s) to {1}.</source>
      <translation type="obsolete">已将 {0} 个候选导出到 {1}。</translation>
    </message>
  </context>
</TS>
