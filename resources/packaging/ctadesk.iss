; Inno Setup 6 script for the Windows installer (`make dist-windows`, after `make dist`):
; dist\ctadesk-VERSION-windows-setup.exe installs dist\ctadesk into Program Files (or the
; user's own programs folder, asked at install), with a Start menu entry, an optional desktop
; icon and an uninstaller. The app writes only to the user's AppData folders, which the
; uninstaller leaves (README, "Install"). Paths are relative to this file.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{5E0C7F2A-6B1D-4C39-9A57-2D8E41C0B7A3}
AppName=CTA Desk
AppVersion={#AppVersion}
AppPublisher=CTA Desk
DefaultDirName={autopf}\CTA Desk
DefaultGroupName=CTA Desk
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=ctadesk-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\ctadesk.exe

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\ctadesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\CTA Desk"; Filename: "{app}\ctadesk.exe"
Name: "{autodesktop}\CTA Desk"; Filename: "{app}\ctadesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\ctadesk.exe"; Description: "{cm:LaunchProgram,CTA Desk}"; Flags: nowait postinstall skipifsilent
