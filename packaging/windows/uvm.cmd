@echo off
rem The uvm command on Windows, bin/uvm's counterpart: "uvm daemon ..." and "uvm config ..." run the
rem daemon's main class, every other command the client's, both from the jars in lib\ beside this
rem file. Clients talk to the service's socket unless UVM_SOCKET (or --socket) names another.
setlocal
if not defined UVM_SOCKET set "UVM_SOCKET=%ProgramData%\uvm\uvm.sock"
if not defined UVM_IMAGE_DIR set "UVM_IMAGE_DIR=%~dp0guest"
set "java=java"
if defined JAVA_HOME set "java=%JAVA_HOME%\bin\java"
set "main=dev.uvm.client.Main"
if /i "%~1"=="daemon" set "main=dev.uvm.daemon.Main"
if /i "%~1"=="config" set "main=dev.uvm.daemon.Main"
"%java%" "-Duvm.home=%~dp0." -cp "%~dp0lib\*" %main% %*
exit /b %ERRORLEVEL%
