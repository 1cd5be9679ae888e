# crossvisor session: the long-lived Windows PowerShell that answers every
# call of one crossvisor host connection. The bootstrap on the command line
# reads this script from stdin (up to the line @@CVEND@@) and runs it.
#
# A request is:            @@CVREQ@@ <n>
#                          <script lines>
#                          @@CVPARAMS@@ <parameters as one line of JSON>
#                          @@CVEND@@
# and its answer one line: @@CV@@ <n> <JSON>
# followed by:             @@CVDONE@@ <n>
#
# Names and ids reach a script only as parameters (data), never as script
# text. A failing script answers {"error":{message,category,fqid,target}}.
# At the end of stdin the exit status is that of the last request.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'

$in = [Console]::In
$out = [Console]::Out
$status = 0

while ($true) {
    $line = $in.ReadLine()
    if ($null -eq $line) { break }
    if (-not $line.StartsWith('@@CVREQ@@ ')) { continue }
    $n = $line.Substring(10)
    $text = New-Object System.Text.StringBuilder
    $json = 'null'
    while ($null -ne ($line = $in.ReadLine()) -and $line -ne '@@CVEND@@') {
        if ($line.StartsWith('@@CVPARAMS@@ ')) {
            $json = $line.Substring(13)
        } else {
            [void]$text.AppendLine($line)
        }
    }
    try {
        # Bad parameters are this request's error, not the session's end.
        $params = ConvertFrom-Json $json
        Set-StrictMode -Version 3.0
        $result = & ([ScriptBlock]::Create($text.ToString())) $params
        $json = ConvertTo-Json -InputObject $result -Compress -Depth 6
        $status = 0
    } catch {
        $e = $_
        $json = ConvertTo-Json -Compress -Depth 3 -InputObject @{
            error = [ordered]@{
                message  = $e.Exception.Message
                category = [string]$e.CategoryInfo.Category
                fqid     = [string]$e.FullyQualifiedErrorId
                target   = [string]$e.TargetObject
            }
        }
        $status = 1
    }
    $out.WriteLine("@@CV@@ $n $json")
    $out.WriteLine("@@CVDONE@@ $n")
    $out.Flush()
}
exit $status
