# Build the Windows bundle and the per-machine installer.
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
# Needs Python 3.11 and Inno Setup 6 (ISCC.exe on PATH or in its default folder).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path .venv)) { py -3.11 -m venv .venv }
.venv\Scripts\python -m pip install --quiet -e ".[dev]" "pyinstaller>=6.10"
$version = .venv\Scripts\python -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
Get-ChildItem resources\i18n\*.ts -ErrorAction SilentlyContinue | ForEach-Object {
    .venv\Scripts\pyside6-lrelease -silent $_.FullName -qm ($_.FullName -replace '\.ts$', '.qm')
}
.venv\Scripts\pyinstaller --noconfirm --log-level ERROR --distpath dist --workpath build\pyinstaller installer\ikodesk.spec
$env:QT_QPA_PLATFORM = "offscreen"
.venv\Scripts\python installer\smoke_test.py dist\ikodesk\ikodesk.exe
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" installer\windows\ikodesk.iss
Write-Host "installer: dist\ikodesk-$version-windows-x64-setup.exe"
