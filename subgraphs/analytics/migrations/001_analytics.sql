-- Analytics keeps nothing outside its read model (read-model/): every table there is rebuilt
-- from events. This folder is for state that must survive a rebuild (none yet).
SELECT 1;
