; Inno Setup 6 script: a per-user installer for the one-folder build in dist\sli-desktop.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\sli-desktop.iss
;
; makes dist\sli-desktop-0.1.0-windows-x64-setup.exe (.github/workflows/platforms.yml runs it).
; No administrator rights: it installs under %LOCALAPPDATA%\Programs\SLI Desktop, adds a Start
; menu entry, and registers an uninstaller for this user. The vault, in
; %LOCALAPPDATA%\sli-desktop, is the user's data: neither installing nor uninstalling touches it.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\sli-desktop.iss
#endif
#define Root "..\.."

[Setup]
; The id Windows knows the installation by: never change it, or upgrades install side by side.
AppId={{FD6243C7-85BF-5843-9C79-202DA5C3DD33}
AppName=SLI Desktop
AppVersion={#AppVersion}
AppVerName=SLI Desktop {#AppVersion}
AppPublisher=SLI Desktop team
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\SLI Desktop
DefaultGroupName=SLI Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 1809 or later, as Qt 6 requires.
MinVersion=10.0.17763
OutputDir={#Root}\dist
OutputBaseFilename=sli-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\build\icons\sli-desktop.ico
UninstallDisplayIcon={app}\sli-desktop.exe
UninstallDisplayName=SLI Desktop
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The app must not be running while its files are replaced.
CloseApplications=yes
RestartApplications=no
; Installed files keep their build times in UTC, whatever the build machine's time zone.
TimeStampsInUTC=yes
; To sign installer and uninstaller with Authenticode, define a sign tool in the IDE or pass
; /S"signtool=signtool.exe sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 $p"
; and uncomment:
; SignTool=signtool

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#Root}\dist\sli-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\SLI Desktop"; Filename: "{app}\sli-desktop.exe"; Comment: "Notes, councils and briefings, encrypted on this laptop"

[Run]
Filename: "{app}\sli-desktop.exe"; Description: "Start SLI Desktop"; Flags: nowait postinstall skipifsilent
