<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
      <translation>Rekonstruieren</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="57" />
      <source>Rollouts</source>
      <translation>Varianten</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="58" />
      <source>Backend log</source>
      <translation>Backend-Protokoll</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="86" />
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="89" />
      <source>Help</source>
      <translation>Hilfe</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="90" />
      <source>Open the user guide</source>
      <translation>Benutzerhandbuch öffnen</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="349" />
      <source>Sig2GPS: asking the backend for its methods</source>
      <translation>Sig2GPS: frage das Backend nach seinen Methoden</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="391" />
      <source>The backend was stopped; it starts again with the next reconstruction.</source>
      <translation>Das Backend wurde gestoppt; es startet mit der nächsten Rekonstruktion neu.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="161" />
      <source>Nothing to save yet: run a reconstruction first.</source>
      <translation>Noch nichts zu speichern: führen Sie zuerst eine Rekonstruktion aus.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="164" />
      <source>Save the runs' layers</source>
      <translation>Layer der Durchläufe speichern</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="164" />
      <source>GeoPackage (*.gpkg)</source>
      <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="246" />
      <source>A reconstruction is already running.</source>
      <translation>Es läuft bereits eine Rekonstruktion.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="266" />
      <source>Cancelling…</source>
      <translation>Wird abgebrochen…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="316" />
      <source>{0} rollout(s) of {1} trace(s) in {2:.1f} s ({3}).</source>
      <translation>{0} Variante(n) von {1} Spur(en) in {2:.1f} s ({3}).</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="320" />
      <source>Cancelled; what finished before: </source>
      <translation>Abgebrochen; was vorher fertig wurde: </translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="353" />
      <source>Starting the backend…</source>
      <translation>Backend wird gestartet…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="384" />
      <source>(the backend has not written anything yet)</source>
      <translation>(das Backend hat noch nichts geschrieben)</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="189" />
      <source>Saved {0} run(s) to {1}; the map now shows the saved layers.</source>
      <translation>{0} Durchlauf/Durchläufe in {1} gespeichert; die Karte zeigt jetzt die gespeicherten Layer.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="232" />
      <source>The conditioning tile belongs to one trace: tick a single trace to send it.</source>
      <translation>Die Konditionierungskachel gehört zu einer Spur: markieren Sie genau eine Spur, um sie zu senden.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="260" />
      <source>Reconstructing {0} trace(s) with {1}…</source>
      <translation>Rekonstruiere {0} Spur(en) mit {1}…</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="300" />
      <source>Cancelled before any trace was finished.</source>
      <translation>Abgebrochen, bevor eine Spur fertig war.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="302" />
      <source>No trajectory came back; see the log tab.</source>
      <translation>Keine Trajektorie erhalten; siehe Protokoll.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="382" />
      <source>The Sig2GPS backend (process {0}) {1}. It restarts with the next reconstruction (or use Restart backend in the log tab); its log is in the log tab.</source>
      <translation>Das Sig2GPS-Backend (Prozess {0}) {1}. Es startet mit der nächsten Rekonstruktion neu (oder über „Backend neu starten“ im Protokoll-Reiter); sein Protokoll steht im Protokoll-Reiter.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="323" />
      <source>{0} trace(s) failed (see the log tab).</source>
      <translation>{0} Spur(en) fehlgeschlagen (siehe Protokoll).</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="328" />
      <source>{0} rollout(s) failed the plausibility check (grey on the map, red in the table).</source>
      <translation>{0} Variante(n) haben die Plausibilitätsprüfung nicht bestanden (grau auf der Karte, rot in der Tabelle).</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="331" />
      <source>trace {0}, rollout {1}: {2}</source>
      <translation>Spur {0}, Variante {1}: {2}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="364" />
      <source>The backend offers: {0}</source>
      <translation>Das Backend bietet: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="172" />
      <source>Overwrite?</source>
      <translation>Überschreiben?</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="174" />
      <source>Saving cancelled; {0} was left as it was.</source>
      <translation>Speichern abgebrochen; {0} blieb unverändert.</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="239" />
      <source>The request is not valid: {0}</source>
      <translation>Die Anfrage ist ungültig: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="346" />
      <source>The Sig2GPS backend is not available: {0}</source>
      <translation>Das Sig2GPS-Backend ist nicht verfügbar: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/dock.py" line="172" />
      <source>{0} exists. Replace it?</source>
      <translation>{0} existiert. Ersetzen?</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="28" />
      <source>Cannot export to {0}: use a .shp (Shapefile) or .gpkg (GeoPackage) name.</source>
      <translation>Export nach {0} nicht möglich: verwenden Sie einen Namen auf .shp (Shapefile) oder .gpkg (GeoPackage).</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="50" />
      <source>Cannot add a layer to {0}: only an existing GeoPackage takes more layers.</source>
      <translation>Zu {0} kann keine Ebene hinzugefügt werden: nur ein vorhandenes GeoPackage nimmt weitere Ebenen auf.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="53" />
      <source>{0} exists already; choose another name or allow overwriting.</source>
      <translation>{0} existiert bereits; wählen Sie einen anderen Namen oder erlauben Sie das Überschreiben.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="75" />
      <source>Export to {0} failed: {1}</source>
      <translation>Export nach {0} fehlgeschlagen: {1}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="98" />
      <source>Export to {0}: the GeoPackage cannot be reopened to store UTC times.</source>
      <translation>Export nach {0}: Das GeoPackage lässt sich nicht erneut öffnen, um UTC-Zeiten zu speichern.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/export.py" line="104" />
      <source>Export to {0}: {1} features written but {2} expected.</source>
      <translation>Export nach {0}: {1} Objekte geschrieben, aber {2} erwartet.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="66" />
      <source>implausible</source>
      <translation>unplausibel</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="143" />
      <source>{0} trajectories</source>
      <translation>{0} Trajektorien</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="144" />
      <source>{0} points</source>
      <translation>{0} Punkte</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="198" />
      <source> (failed)</source>
      <translation> (fehlgeschlagen)</translation>
    </message>
    <message>
      <location filename="../plugin/layers/results.py" line="198" />
      <source>{0}, rollout {1}</source>
      <translation>{0}, Variante {1}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="28" />
      <source>{0} rollouts</source>
      <translation>{0} Varianten</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="28" />
      <source>seed {0}</source>
      <translation>Startwert {0}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="32" />
      <source>consensus</source>
      <translation>Konsens</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="30" />
      <source>{0} steps</source>
      <translation>{0} Schritte</translation>
    </message>
    <message>
      <location filename="../plugin/layers/run_group.py" line="111" />
      <source>The saved layer {0} in {1} cannot be opened.</source>
      <translation>Der gespeicherte Layer {0} in {1} lässt sich nicht öffnen.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="221" />
      <source>empty time</source>
      <translation>leere Zeit</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="235" />
      <source>No valid signaling layer is selected.</source>
      <translation>Kein gültiger Signalisierungslayer ausgewählt.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="237" />
      <source>trace id</source>
      <translation>Spur-ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="237" />
      <source>time</source>
      <translation>Zeit</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="238" />
      <source>cell id</source>
      <translation>Zell-ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="218" />
      <source>invalid date-time</source>
      <translation>ungültiges Datum/Zeit</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="50" />
      <source>position {0}, {1} is not a longitude/latitude</source>
      <translation>Position {0}, {1} ist keine geografische Länge/Breite</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="89" />
      <source>Layer {0} has no field {1} for the cell id.</source>
      <translation>Layer {0} hat kein Feld {1} für die Zell-ID.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="114" />
      <source>File not found: {0}</source>
      <translation>Datei nicht gefunden: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="137" />
      <source>{0}, line {1}, field {2}: {3} is out of range</source>
      <translation>{0}, Zeile {1}, Feld {2}: {3} liegt außerhalb des Bereichs</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="152" />
      <source>{0}: without longitude and latitude columns, load a towers table first to place the cells.</source>
      <translation>{0}: ohne Längen- und Breitengrad-Spalten laden Sie zuerst eine Sendemasttabelle, um die Zellen zu verorten.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="165" />
      <source>empty cell id</source>
      <translation>leere Zell-ID</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="245" />
      <source>Layer {0} has no point geometry and no {1}/{2} columns; give a towers table to place its cells.</source>
      <translation>Layer {0} hat weder Punktgeometrie noch Spalten {1}/{2}; geben Sie eine Sendemasttabelle an, um seine Zellen zu verorten.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="48" />
      <source>no number in {0}/{1}</source>
      <translation>keine Zahl in {0}/{1}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="93" />
      <source>Towers layer {0} has no geometry and no {1}/{2} columns; its fields are {3}.</source>
      <translation>Sendemastlayer {0} hat weder Geometrie noch Spalten {1}/{2}; seine Felder sind {3}.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="119" />
      <source>{0}, line 1: the file is empty (a header row is needed).</source>
      <translation>{0}, Zeile 1: die Datei ist leer (eine Kopfzeile wird benötigt).</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="122" />
      <source>{0}, line 1: missing column(s) {1}; the header has {2}. Use the field mapping to name the columns.</source>
      <translation>{0}, Zeile 1: Spalte(n) {1} fehlen; die Kopfzeile enthält {2}. Benennen Sie die Spalten in der Feldzuordnung.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="134" />
      <source>{0}, line {1}, field {2}: not a number: {3!r}</source>
      <translation>{0}, Zeile {1}, Feld {2}: keine Zahl: {3!r}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="240" />
      <source>Layer {0} has no {1} field {2}; its fields are {3}.</source>
      <translation>Layer {0} hat kein {1}-Feld {2}; seine Felder sind {3}.</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="291" />
      <source>Trace {0}: {1} record(s) in the chosen window; at least 2 are needed (skipped)</source>
      <translation>Spur {0}: {1} Datensatz/Datensätze im gewählten Zeitfenster; mindestens 2 nötig (übersprungen)</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="258" />
      <source>Layer {0}, feature {1}, field {2}: {3} (trace {4} skipped)</source>
      <translation>Layer {0}, Objekt {1}, Feld {2}: {3} (Spur {4} übersprungen)</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="99" />
      <source>Towers layer {0}, feature {1}: {2}</source>
      <translation>Sendemastlayer {0}, Objekt {1}: {2}</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="175" />
      <source>no position: cell {0} is not in the towers table</source>
      <translation>keine Position: Zelle {0} fehlt in der Sendemasttabelle</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="178" />
      <source>{0}, line {1}, field {2}: {3} (trace {4} skipped)</source>
      <translation>{0}, Zeile {1}, Feld {2}: {3} (Spur {4} übersprungen)</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="180" />
      <source>{0} (trace {1} skipped)</source>
      <translation>{0} (Spur {1} übersprungen)</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="280" />
      <source>Layer {0}, feature {1}, field {2}: no position for cell {3} (trace {4} skipped)</source>
      <translation>Layer {0}, Objekt {1}, Feld {2}: keine Position für Zelle {3} (Spur {4} übersprungen)</translation>
    </message>
    <message>
      <location filename="../plugin/layers/signaling.py" line="273" />
      <source>Layer {0}, feature {1}: {2} (trace {3} skipped)</source>
      <translation>Layer {0}, Objekt {1}: {2} (Spur {3} übersprungen)</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="65" />
      <source>Sig2GPS: reconstruct trajectories</source>
      <translation>Sig2GPS: Trajektorien rekonstruieren</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="68" />
      <source>Sig2GPS settings…</source>
      <translation>Sig2GPS-Einstellungen…</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" line="72" />
      <source>&amp;Sig2GPS</source>
      <translation>&amp;Sig2GPS</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="36" />
      <source>Reconstruct GPS trajectories from signaling</source>
      <translation>GPS-Trajektorien aus Signalisierungsdaten rekonstruieren</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="39" />
      <source>Sends the signaling traces to the local Sig2GPS backend and returns one line per trace and rollout (rollout 0 is the method's best) with start/end time, length and score, plus the timestamped points. Without a road layer the backend's own road network is used.</source>
      <translation>Sendet die Signalisierungsspuren an das lokale Sig2GPS-Backend und liefert eine Linie je Spur und Variante (Variante 0 ist die beste der Methode) mit Start-/Endzeit, Länge und Bewertung sowie die Punkte mit Zeitstempel. Ohne Straßenlayer wird das Straßennetz des Backends verwendet.</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="60" />
      <source>Method</source>
      <translation>Methode</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="44" />
      <source>Signaling layer (points, or a table with lon/lat columns)</source>
      <translation>Signalisierungslayer (Punkte oder Tabelle mit lon/lat-Spalten)</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="47" />
      <source>Trace id field</source>
      <translation>Feld Spur-ID</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="48" />
      <source>Time field</source>
      <translation>Zeitfeld</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="49" />
      <source>Cell id field</source>
      <translation>Feld Zell-ID</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="50" />
      <source>Towers layer (points, or a table with lon/lat columns)</source>
      <translation>Sendemastlayer (Punkte oder Tabelle mit lon/lat-Spalten)</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="53" />
      <source>Towers' cell id field</source>
      <translation>Feld Zell-ID der Sendemasten</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="55" />
      <source>Road layer</source>
      <translation>Straßenlayer</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="64" />
      <source>Rollouts per trace</source>
      <translation>Varianten je Spur</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="66" />
      <source>Random seed</source>
      <translation>Zufallsstartwert</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="68" />
      <source>Trajectories</source>
      <translation>Trajektorien</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="70" />
      <source>Timestamped points</source>
      <translation>Punkte mit Zeitstempel</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="90" />
      <source>No signaling layer was given.</source>
      <translation>Es wurde kein Signalisierungslayer angegeben.</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="100" />
      <source>Reconstructing {0} trace(s) with {1}</source>
      <translation>Rekonstruiere {0} Spur(en) mit {1}</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="108" />
      <source>Trace {0}: {1}</source>
      <translation>Spur {0}: {1}</translation>
    </message>
    <message>
      <location filename="../plugin/processing/reconstruct_algorithm.py" line="97" />
      <source>No usable trace in {0}.</source>
      <translation>Keine verwendbare Spur in {0}.</translation>
    </message>
    <message>
      <location filename="../plugin/request.py" line="94" />
      <source>The road layer must be a valid line layer.</source>
      <translation>Der Straßenlayer muss ein gültiger Linienlayer sein.</translation>
    </message>
    <message>
      <location filename="../plugin/request.py" line="113" />
      <source>The road layer {0} has no lines.</source>
      <translation>Der Straßenlayer {0} enthält keine Linien.</translation>
    </message>
    <message>
      <location filename="../plugin/request.py" line="110" />
      <source>The road layer {0} has more than {1} lines; clip it to the area of the traces.</source>
      <translation>Der Straßenlayer {0} hat mehr als {1} Linien; schneiden Sie ihn auf das Gebiet der Spuren zu.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="96" />
      <source>No Sig2GPS backend is configured (set the backend's Python in the settings).</source>
      <translation>Kein Sig2GPS-Backend konfiguriert (Python des Backends in den Einstellungen setzen).</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="107" />
      <source>Cancelled. The backend was still in a long step; it drops the job when that step ends.</source>
      <translation>Abgebrochen. Das Backend war noch in einem langen Schritt; es verwirft den Auftrag, sobald dieser Schritt endet.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="60" />
      <source>Sig2GPS reconstruction ({0})</source>
      <translation>Sig2GPS-Rekonstruktion ({0})</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="100" />
      <source>The Sig2GPS backend could not start: {0}</source>
      <translation>Das Sig2GPS-Backend konnte nicht starten: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="110" />
      <source>The Sig2GPS backend stopped answering ({0}). It will be restarted; run the reconstruction again.</source>
      <translation>Das Sig2GPS-Backend antwortet nicht mehr ({0}). Es wird neu gestartet; führen Sie die Rekonstruktion erneut aus.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="113" />
      <source>The reconstruction failed in the backend: {0}</source>
      <translation>Die Rekonstruktion ist im Backend fehlgeschlagen: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="116" />
      <source> (field {0})</source>
      <translation> (Feld {0})</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="117" />
      <source>The backend refused the job: {0}{1}</source>
      <translation>Das Backend hat den Auftrag abgelehnt: {0}{1}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="44" />
      <source>{0} was cancelled.</source>
      <translation>{0} wurde abgebrochen.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" line="46" />
      <source>{0} failed: {1}</source>
      <translation>{0} fehlgeschlagen: {1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="149" />
      <source>Choose both longitude and latitude, or neither (positions from the towers table).</source>
      <translation>Wählen Sie Länge und Breite, oder keines von beiden (Positionen aus der Sendemasttabelle).</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="151" />
      <source>Choose the longitude and latitude columns, or load a towers table first.</source>
      <translation>Wählen Sie die Spalten für Länge und Breite, oder laden Sie zuerst eine Sendemasttabelle.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Trace id</source>
      <translation>Spur-ID</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Time</source>
      <translation>Zeit</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Cell id</source>
      <translation>Zell-ID</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="165" />
      <source>Longitude</source>
      <translation>Längengrad</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="166" />
      <source>Latitude</source>
      <translation>Breitengrad</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="172" />
      <source>Signaling columns</source>
      <translation>Spalten der Signalisierung</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="194" />
      <source>The first rows as they will be read (times in UTC):</source>
      <translation>Die ersten Zeilen, wie sie gelesen werden (Zeiten in UTC):</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="147" />
      <source>Choose the column that holds the {0}.</source>
      <translation>Wählen Sie die Spalte für: {0}.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="158" />
      <source>Column {0} is chosen for both {1} and {2}; each column can hold one thing only.</source>
      <translation>Spalte {0} ist sowohl für {1} als auch für {2} gewählt; jede Spalte kann nur eines enthalten.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="183" />
      <source>(none: use the towers table)</source>
      <translation>(keine: Sendemasttabelle verwenden)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="183" />
      <source>(choose a column)</source>
      <translation>(Spalte wählen)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="196" />
      <source>Problem</source>
      <translation>Problem</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="51" />
      <source>Cannot read {0}: {1}</source>
      <translation>{0} kann nicht gelesen werden: {1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="53" />
      <source>{0} is not a readable CSV text file: {1}</source>
      <translation>{0} ist keine lesbare CSV-Textdatei: {1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="177" />
      <source>Which column of {0} holds what?</source>
      <translation>Welche Spalte von {0} enthält was?</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="240" />
      <source>{0} {1} out of range</source>
      <translation>{0} {1} außerhalb des gültigen Bereichs</translation>
    </message>
    <message>
      <location filename="../plugin/ui/field_mapping_dialog.py" line="242" />
      <source>{0} is not a number: {1!r}</source>
      <translation>{0} ist keine Zahl: {1!r}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="21" />
      <source>No frames yet: run a reconstruction.</source>
      <translation>Noch keine Bilder: führen Sie eine Rekonstruktion aus.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="24" />
      <source>Play</source>
      <translation>Abspielen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="58" />
      <source>This method draws no frames; the trajectories are on the map.</source>
      <translation>Diese Methode erzeugt keine Bilder; die Trajektorien sind auf der Karte.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="105" />
      <source>Pause</source>
      <translation>Pause</translation>
    </message>
    <message>
      <location filename="../plugin/ui/frames_player.py" line="94" />
      <source>frame {0}/{1}</source>
      <translation>Bild {0}/{1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/log_panel.py" line="18" />
      <source>Refresh</source>
      <translation>Aktualisieren</translation>
    </message>
    <message>
      <location filename="../plugin/ui/log_panel.py" line="18" />
      <source>Restart backend</source>
      <translation>Backend neu starten</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="37" />
      <source>Ask backend</source>
      <translation>Backend fragen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="38" />
      <source>Start the backend and list the methods it offers</source>
      <translation>Backend starten und seine Methoden auflisten</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="45" />
      <source>Rollout 0 = consensus of the rollouts (video model, 2 or more)</source>
      <translation>Variante 0 = Konsens der Varianten (Videomodell, 2 oder mehr)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="46" />
      <source>Per frame the median of the sampled rollouts' positions; the samples follow as rollouts 1..K. Measured: 21-26% lower error than one sample at 8 rollouts.</source>
      <translation>Je Bild der Median der Positionen der gezogenen Varianten; die Stichproben folgen als Varianten 1..K. Gemessen: 21-26 % geringerer Fehler als eine Stichprobe bei 8 Varianten.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="49" />
      <source>Send the conditioning tile (video model)</source>
      <translation>Konditionierungskachel senden (Videomodell)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="50" />
      <source>Preview tile</source>
      <translation>Kachelvorschau</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="32" />
      <source>Empty: the backend's road network (settings).</source>
      <translation>Leer: das Straßennetz des Backends (Einstellungen).</translation>
    </message>
    <message>
      <location filename="../plugin/ui/method_panel.py" line="82" />
      <source>(needs a model or other input)</source>
      <translation>(braucht ein Modell oder weitere Eingaben)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="38" />
      <source>Sketch layer</source>
      <translation>Skizzenlayer</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="96" />
      <source>Sig2GPS: comparing rollouts to the sketch</source>
      <translation>Sig2GPS: Varianten mit der Skizze vergleichen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="41" />
      <source>Keep</source>
      <translation>Behalten</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="42" />
      <source>Discard</source>
      <translation>Verwerfen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="43" />
      <source>Export kept…</source>
      <translation>Behaltene exportieren…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="44" />
      <source>Save runs…</source>
      <translation>Durchläufe speichern…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="73" />
      <source>The sketch layer must be a line layer.</source>
      <translation>Der Skizzenlayer muss ein Linienlayer sein.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="104" />
      <source>Select rollouts in the table first.</source>
      <translation>Wählen Sie zuerst Varianten in der Tabelle aus.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="143" />
      <source>Nothing to export yet: run a reconstruction first.</source>
      <translation>Noch nichts zu exportieren: zuerst eine Rekonstruktion ausführen.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="146" />
      <source>Export kept rollouts</source>
      <translation>Behaltene Varianten exportieren</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="147" />
      <source>Shapefile (*.shp);;GeoPackage (*.gpkg)</source>
      <translation>Shapefile (*.shp);;GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="155" />
      <source>Every rollout is discarded: keep at least one to export.</source>
      <translation>Alle Varianten sind verworfen: behalten Sie mindestens eine zum Export.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="180" />
      <source>Exported {0} rollout(s) to {1} (lines) and {2} (points).</source>
      <translation>{0} Variante(n) nach {1} (Linien) und {2} (Punkte) exportiert.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="77" />
      <source>The sketch layer {0} has no line yet: draw one, then pick it again.</source>
      <translation>Der Skizzenlayer {0} hat noch keine Linie: zeichnen Sie eine und wählen Sie ihn erneut.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/results_panel.py" line="169" />
      <source>Export cancelled; {0} was left as it was.</source>
      <translation>Export abgebrochen; {0} bleibt unverändert.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="42" />
      <source>Length of the rollout divided by the length of the signaling's own path</source>
      <translation>Länge der Variante geteilt durch die Länge des Pfads der Signalisierungsdaten</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="43" />
      <source>Share of the rollout that lies on roads</source>
      <translation>Anteil der Variante, der auf Straßen liegt</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="46" />
      <source>The method's own score: it ranks the rollouts of this run; scores of different methods are not on one scale. Compare methods by the plausibility columns and the sketch distances.</source>
      <translation>Die eigene Bewertung der Methode: Sie ordnet die Varianten dieses Durchlaufs; Bewertungen verschiedener Methoden liegen nicht auf einer Skala. Vergleichen Sie Methoden über die Plausibilitätsspalten und die Abstände zur Skizze.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Trace</source>
      <translation>Spur</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Rollout</source>
      <translation>Variante</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Score</source>
      <translation>Bewertung</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="37" />
      <source>Length (m)</source>
      <translation>Länge (m)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>Max speed (km/h)</source>
      <translation>Höchstgeschw. (km/h)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>Length ratio</source>
      <translation>Längenverhältnis</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>On road</source>
      <translation>Auf Straßen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="38" />
      <source>Check</source>
      <translation>Prüfung</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="39" />
      <source>Mean to sketch (m)</source>
      <translation>Mittel zur Skizze (m)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="39" />
      <source>Hausdorff (m)</source>
      <translation>Hausdorff (m)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="39" />
      <source>Fréchet (m)</source>
      <translation>Fréchet (m)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="80" />
      <source>ok</source>
      <translation>ok</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="112" />
      <source>kept</source>
      <translation>behalten</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="112" />
      <source>discarded</source>
      <translation>verworfen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/rollouts_table.py" line="80" />
      <source>failed: {0}</source>
      <translation>fehlgeschlagen: {0}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="14" />
      <source>Sig2GPS settings</source>
      <translation>Sig2GPS-Einstellungen</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="18" />
      <source>The backend's Python interpreter</source>
      <translation>Python-Interpreter des Backends</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="21" />
      <source>Road networks (*.osm *.pbf *.gz *.bz2 *.shp *.gpkg *.geojson)</source>
      <translation>Straßennetze (*.osm *.pbf *.gz *.bz2 *.shp *.gpkg *.geojson)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="25" />
      <source>Backend Python</source>
      <translation>Backend-Python</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="26" />
      <source>Default road network</source>
      <translation>Standard-Straßennetz</translation>
    </message>
    <message>
      <location filename="../plugin/ui/settings_dialog.py" line="23" />
      <source>The backend runs in its own Python (with the sig2gps package and, for the video model, torch). `make install-plugin` sets the project's .venv.</source>
      <translation>Das Backend läuft in einem eigenen Python (mit dem Paket sig2gps und, für das Videomodell, torch). `make install-plugin` stellt die .venv des Projekts ein.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="29" />
      <source>Signaling</source>
      <translation>Signalisierung</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="36" />
      <source>Load CSV…</source>
      <translation>CSV laden…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="38" />
      <source>Layer</source>
      <translation>Layer</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="44" />
      <source>(positions from the layer)</source>
      <translation>(Positionen aus dem Layer)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="45" />
      <source>Towers table…</source>
      <translation>Sendemasttabelle…</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="47" />
      <source>Towers</source>
      <translation>Sendemasten</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="50" />
      <source>Traces</source>
      <translation>Spuren</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="51" />
      <source>Only records between (UTC)</source>
      <translation>Nur Datensätze zwischen (UTC)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="61" />
      <source>and</source>
      <translation>und</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="73" />
      <source>Signaling CSV</source>
      <translation>Signalisierungs-CSV</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="73" />
      <source>CSV files (*.csv *.txt)</source>
      <translation>CSV-Dateien (*.csv *.txt)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="101" />
      <source>Towers table</source>
      <translation>Sendemasttabelle</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="101" />
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="147" />
      <source>Choose a signaling layer or load a CSV first.</source>
      <translation>Wählen Sie zuerst einen Signalisierungslayer oder laden Sie eine CSV.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="159" />
      <source>Tick at least one trace.</source>
      <translation>Markieren Sie mindestens eine Spur.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="162" />
      <source>No trace has two or more records in the chosen selection.</source>
      <translation>Keine Spur hat in der Auswahl zwei oder mehr Datensätze.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="109" />
      <source>{0} cells from {1}</source>
      <translation>{0} Zellen aus {1}</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="92" />
      <source>Loaded {0} trace(s) from {1}; {2} skipped (see the log tab).</source>
      <translation>{0} Spur(en) aus {1} geladen; {2} übersprungen (siehe Protokoll).</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="95" />
      <source>Loaded {0} trace(s) from {1}.</source>
      <translation>{0} Spur(en) aus {1} geladen.</translation>
    </message>
    <message>
      <location filename="../plugin/ui/signaling_panel.py" line="149" />
      <source>Layer {0} has no time field: choose the field that holds each record's time (date-time, Unix seconds or ISO 8601).</source>
      <translation>Layer {0} hat kein Zeitfeld: wählen Sie das Feld mit der Zeit jedes Datensatzes (Datum/Zeit, Unix-Sekunden oder ISO 8601).</translation>
    </message>
    <message>
      <source>Only records between</source>
      <translation type="obsolete">Nur Datensätze zwischen</translation>
    </message>
    <message>
      <source>Cancelled: </source>
      <translation type="obsolete">Abgebrochen: </translation>
    </message>
    <message>
      <source>Sig2GPS {0}</source>
      <translation type="obsolete">Sig2GPS {0}</translation>
    </message>
    <message>
      <source>The Sig2GPS backend stopped unexpectedly; it restarts with the next reconstruction (or use Restart backend in the log tab). Its log ends with: {0}</source>
      <translation type="obsolete">Das Sig2GPS-Backend wurde unerwartet beendet; es startet bei der nächsten Rekonstruktion neu (oder über „Backend neu starten“ im Protokoll-Reiter). Das Ende seines Protokolls: {0}</translation>
    </message>
    <message>
      <source>rollout {0}</source>
      <translation type="obsolete">Variante {0}</translation>
    </message>
    <message>
      <source>Layer {0} has no point geometry; give a towers table to place its cells.</source>
      <translation type="obsolete">Layer {0} hat keine Punktgeometrie; geben Sie eine Sendemasttabelle an, um die Zellen zu verorten.</translation>
    </message>
    <message>
      <source>Signaling layer</source>
      <translation type="obsolete">Signalisierungslayer</translation>
    </message>
    <message>
      <source>Towers layer (cell positions)</source>
      <translation type="obsolete">Sendemastlayer (Zellpositionen)</translation>
    </message>
    <message>
      <source>Exported {0} rollout(s) to {1}.</source>
      <translation type="obsolete">{0} Variante(n) nach {1} exportiert.</translation>
    </message>
  </context>
</TS>
