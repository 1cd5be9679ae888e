# One lifecycle action on one VM. Parameters: Id (the VM id) and Action
# (start, shutdown, reboot, reset, poweroff, pause, resume, save,
# snapshot). A VM already in the target state is a no-op, said as such.
# Answers {"result":"done"|"noop","message":...}.
param($p)

$vm = Get-VM -Id $p.Id
$state = [string]$vm.State

function Noop([string]$why) {
    [ordered]@{ result = 'noop'; message = $why }
}

# The Shutdown integration service, found by its fixed id (its display
# name is localized).
function Assert-ShutdownService([string]$what) {
    $ic = @(Get-VMIntegrationService -VM $vm | Where-Object {
        $_.Id -like '*\9F8233AC-BE49-4C79-8EE3-E7E1985B2077' })
    if ($ic.Count -eq 0 -or -not $ic[0].Enabled -or
        [string]$ic[0].PrimaryStatusDescription -ne 'OK') {
        Write-Error -Category InvalidOperation -ErrorId NoShutdownService `
            -Message ("the shutdown integration service of VM '" + $vm.Name +
            "' is not running, so a graceful $what is impossible; use poweroff or reset")
    }
}

switch ($p.Action) {
    'start' {
        if ($state -eq 'Running') { return (Noop 'already running') }
        Start-VM -VM $vm
    }
    'shutdown' {
        if ($state -eq 'Off') { return (Noop 'already off') }
        Assert-ShutdownService 'shutdown'
        Stop-VM -VM $vm -Force
    }
    'poweroff' {
        if ($state -eq 'Off') { return (Noop 'already off') }
        Stop-VM -VM $vm -TurnOff -Force
    }
    'reboot' {
        if (-not (Get-Command Restart-VM).Parameters.ContainsKey('Type')) {
            Write-Error -Category NotImplemented -ErrorId NoGracefulReboot `
                -Message 'this host offers no graceful reboot (Restart-VM has no -Type); use reset'
        }
        Assert-ShutdownService 'reboot'
        Restart-VM -VM $vm -Type Reboot -Force
    }
    'reset' {
        Restart-VM -VM $vm -Force
    }
    'pause' {
        if ($state -eq 'Paused') { return (Noop 'already paused') }
        Suspend-VM -VM $vm
    }
    'resume' {
        if ($state -eq 'Running') { return (Noop 'already running') }
        Resume-VM -VM $vm
    }
    'save' {
        if ($state -eq 'Saved') { return (Noop 'already saved') }
        Save-VM -VM $vm
    }
    'snapshot' {
        $name = 'crossvisor-' + (Get-Date).ToUniversalTime().ToString('yyyyMMdd-HHmmss')
        Checkpoint-VM -VM $vm -SnapshotName $name
        return [ordered]@{ result = 'done'; message = "checkpoint $name taken" }
    }
    default {
        Write-Error -Category InvalidArgument -ErrorId UnknownAction `
            -Message ("unknown action '" + $p.Action + "'")
    }
}
[ordered]@{ result = 'done'; message = '' }
