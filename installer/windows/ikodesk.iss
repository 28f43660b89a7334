; Inno Setup script: per-machine installation of the PyInstaller bundle (dist\ikodesk).
;
;   installer\build_windows.ps1         (builds the bundle, then runs ISCC with the version)
;
; Installs into Program Files, adds a start-menu entry, and uninstalls only the
; program files: each user's database (%LOCALAPPDATA%\ikodesk), settings and
; keyring entries are never touched.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{5E0C2F7A-6C2B-4B8E-9C55-1B7D0A1C1D6E}
AppName=ikodesk
AppVersion={#AppVersion}
AppVerName=ikodesk {#AppVersion}
AppPublisher=Centrum Internationale Kinderontvoering
DefaultDirName={autopf}\ikodesk
DefaultGroupName=ikodesk
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=ikodesk-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\ikodesk.ico
UninstallDisplayIcon={app}\ikodesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\ikodesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\ikodesk"; Filename: "{app}\ikodesk.exe"; Comment: "Zaakregistratie Centrum IKO"

[Run]
Filename: "{app}\ikodesk.exe"; Description: "{cm:LaunchProgram,ikodesk}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there; never the users' data directories.
Type: filesandordirs; Name: "{app}\_internal"
